// A button marked data-fullscreen="#id" shows that element full screen (a projector at a
// meeting); no inline script, so the strict CSP holds.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-fullscreen]");
  if (!button) return;
  var target = document.querySelector(button.getAttribute("data-fullscreen"));
  if (target && target.requestFullscreen) target.requestFullscreen();
});
