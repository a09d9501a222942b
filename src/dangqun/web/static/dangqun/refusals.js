// A refusal is read first: a message at the top of the page (base.html, data-refusal) takes the
// focus, so a screen reader says it and a phone shows it; otherwise, on a form sent back with its
// reasons (an .invalid-feedback under a field, or an alert inside the form), the field in error
// takes the focus and the reason is scrolled into view. Static file: the strict CSP allows no
// inline script.
document.addEventListener("DOMContentLoaded", function () {
  var refusal = document.querySelector("[data-refusal]");
  if (refusal) {
    refusal.focus({ preventScroll: true });
    refusal.scrollIntoView({ block: "start" });
    return;
  }
  var reason = document.querySelector("form .invalid-feedback, form .alert-danger");
  if (!reason) return;
  var box = reason.closest(".mb-3") || reason.closest("form");
  var field = box.querySelector("input:not([type=hidden]), textarea, select");
  reason.scrollIntoView({ block: "center" });
  if (field) {
    field.setAttribute("aria-invalid", "true");
    field.focus({ preventScroll: true });
  }
});
