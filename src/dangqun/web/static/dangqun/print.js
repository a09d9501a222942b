// A button marked data-print opens the browser's print dialog (no inline script: strict CSP).
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-print]");
  if (button) window.print();
});
