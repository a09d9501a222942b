// Skip logic on the answer page: a single choice with jumps hides the questions it skips (the
// server drops their answers too). data-jumps="<option index>:<target position>,…".
(function () {
  var form = document.getElementById("answer-form");
  if (!form) return;
  var questions = Array.prototype.slice.call(form.querySelectorAll(".survey-question"));
  function update() {
    var jumpTo = 0;
    questions.forEach(function (q) {
      var position = parseInt(q.dataset.position, 10);
      var skipped = position < jumpTo;
      q.classList.toggle("is-skipped", skipped);
      if (skipped || !q.dataset.jumps) return;
      var picked = q.querySelector("input[type=radio]:checked");
      if (!picked) return;
      q.dataset.jumps.split(",").forEach(function (pair) {
        var parts = pair.split(":");
        if (parts[0] === picked.value) jumpTo = Math.max(jumpTo, parseInt(parts[1], 10));
      });
    });
  }
  form.addEventListener("change", update);
  update();
})();
