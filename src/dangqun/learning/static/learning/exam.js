// Taking an exam: each answer is saved as it is given (one small POST per answer). Answers not
// yet saved (the phone lost its connection) are kept in the page and in localStorage and sent
// again when the connection comes back; the bar at the top says which state the page is in.
(function () {
  var form = document.getElementById("exam-form");
  if (!form) return;
  var url = form.getAttribute("data-save-url");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var state = document.getElementById("save-state");
  var offlineNote = document.getElementById("offline-submit");
  var storeKey = "dangqun-exam:" + url;
  var pending = {};
  var busy = false;
  var timers = {};

  function load() {
    try { return JSON.parse(window.localStorage.getItem(storeKey) || "{}"); } catch (e) { return {}; }
  }
  function keep() {
    try { window.localStorage.setItem(storeKey, JSON.stringify(pending)); } catch (e) { /* private mode */ }
  }
  function questionState(position, text, cls) {
    var box = document.getElementById("state-" + position);
    if (!box) return;
    box.textContent = text;
    box.className = "small mt-2 question-state " + cls;
  }
  function show() {
    var waiting = Object.keys(pending).length;
    if (!waiting) {
      state.textContent = "已全部保存";
      state.className = "small fw-bold text-success";
    } else if (!navigator.onLine) {
      state.textContent = "未保存，联网后自动保存";
      state.className = "small fw-bold text-danger";
    } else {
      state.textContent = "保存中…";
      state.className = "small fw-bold text-warning";
    }
  }
  function responseOf(fieldset) {
    var position = fieldset.getAttribute("data-position");
    if (fieldset.getAttribute("data-kind") === "fill") {
      return { position: position, text: fieldset.querySelector("input[type=text]").value };
    }
    var picked = [];
    fieldset.querySelectorAll("input:checked").forEach(function (box) { picked.push(box.value); });
    return { position: position, choice: picked };
  }
  function body(answer) {
    var data = new URLSearchParams();
    data.append("position", answer.position);
    if (answer.text !== undefined) data.append("text", answer.text);
    (answer.choice || []).forEach(function (value) { data.append("choice", value); });
    return data;
  }
  function flush() {
    show();
    if (busy || !navigator.onLine) return;
    var positions = Object.keys(pending);
    if (!positions.length) return;
    var position = positions[0];
    var answer = pending[position];
    busy = true;
    fetch(url, {
      method: "POST",
      body: body(answer),
      credentials: "same-origin",
      headers: { "X-CSRFToken": token, "X-Requested-With": "fetch" },
    }).then(function (response) {
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    }).then(function (result) {
      busy = false;
      if (pending[position] === answer) delete pending[position];
      keep();
      if (result.status === 200) {
        questionState(position, "已保存 " + result.data.saved_at, "text-success");
      } else {
        questionState(position, result.data.error || "未能保存", "text-danger");
      }
      flush();
    }).catch(function () {
      busy = false;  // no connection: kept, tried again when it comes back
      questionState(position, "未保存，联网后自动保存", "text-danger");
      show();
    });
  }
  function changed(fieldset) {
    var answer = responseOf(fieldset);
    pending[answer.position] = answer;
    keep();
    questionState(answer.position, navigator.onLine ? "保存中…" : "未保存，联网后自动保存",
      navigator.onLine ? "text-warning" : "text-danger");
    flush();
  }

  form.addEventListener("change", function (event) {
    var fieldset = event.target.closest("fieldset[data-position]");
    if (fieldset) changed(fieldset);
  });
  form.addEventListener("input", function (event) {
    if (event.target.type !== "text") return;
    var fieldset = event.target.closest("fieldset[data-position]");
    clearTimeout(timers[fieldset.id]);
    timers[fieldset.id] = setTimeout(function () { changed(fieldset); }, 800);
  });
  form.addEventListener("submit", function (event) {
    if (Object.keys(pending).length && !navigator.onLine) {
      event.preventDefault();
      offlineNote.classList.remove("d-none");
      return;
    }
    try { window.localStorage.removeItem(storeKey); } catch (e) { /* private mode */ }
  });
  window.addEventListener("online", function () { offlineNote.classList.add("d-none"); flush(); });
  window.addEventListener("offline", show);
  setInterval(flush, 5000);

  // answers given before a reload but never saved: put back on the page and sent again
  var stored = load();
  Object.keys(stored).forEach(function (position) {
    var answer = stored[position];
    var fieldset = form.querySelector('fieldset[data-position="' + position + '"]');
    if (!fieldset) return;
    if (answer.text !== undefined) {
      fieldset.querySelector("input[type=text]").value = answer.text;
    } else {
      fieldset.querySelectorAll("input").forEach(function (box) {
        box.checked = (answer.choice || []).indexOf(box.value) >= 0;
      });
    }
    pending[position] = answer;
  });
  flush();

  // the time left, from the server's deadline (the server refuses answers after it)
  var deadline = document.getElementById("exam-deadline");
  var left = document.getElementById("exam-left");
  var ends = Date.parse(deadline.getAttribute("data-deadline"));
  function tick() {
    var seconds = Math.max(0, Math.floor((ends - Date.now()) / 1000));
    var minutes = Math.floor(seconds / 60);
    left.textContent = "，剩余 " + minutes + " 分 " + (seconds % 60) + " 秒";
  }
  if (!isNaN(ends)) { tick(); setInterval(tick, 1000); }
})();
