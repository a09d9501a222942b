// A refusal is read first: a message at the top of the page (base.html, data-refusal) takes the
// focus, so a screen reader says it and a phone shows it; otherwise, on a form sent back with
// errors, the first field in error does. Static file: the strict CSP allows no inline script.
document.addEventListener("DOMContentLoaded", function () {
  var refusal = document.querySelector("[data-refusal]");
  var target = refusal || document.querySelector(".is-invalid");
  if (!target) return;
  target.focus({ preventScroll: true });
  target.scrollIntoView({ block: refusal ? "start" : "center" });
});
