// The query code shown once after a voice is submitted (voices/submitted.html): copy it, save it
// as a text file, or as a picture (shown on the page too, so a phone's browser that does not
// download — 微信, 企业微信 — can keep it by a long press). No inline script: strict CSP.
(function () {
  function tools() { return document.getElementById("query-code-tools"); }
  function say(text) {
    var status = document.getElementById("query-code-status");
    if (status) status.textContent = text;
  }
  function details() {
    var box = tools();
    return {
      number: box.dataset.number,
      code: box.dataset.code,
      follow: new URL(box.dataset.follow, window.location.href).href,
    };
  }
  function lines() {
    var d = details();
    return [
      "群众呼声 查询码",
      "编号：" + d.number,
      "查询码：" + d.code,
      "查看办理进度：" + d.follow,
      "查询码只显示一次，请妥善保存，不要告诉他人。",
    ];
  }
  function download(href, name) {
    var link = document.createElement("a");
    link.href = href;
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
  }
  function copyFallback(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "position-absolute opacity-0";
    document.body.appendChild(area);
    area.select();
    var done = false;
    try { done = document.execCommand("copy"); } catch (e) { done = false; }
    area.remove();
    return done;
  }
  function copy() {
    var code = details().code;
    var failed = function () {
      say(copyFallback(code) ? "已复制查询码" : "无法自动复制，请手动抄下查询码");
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(code).then(function () { say("已复制查询码"); }, failed);
    } else {
      failed();
    }
  }
  function saveText() {
    var blob = new Blob([lines().join("\r\n") + "\r\n"], { type: "text/plain;charset=utf-8" });
    var url = URL.createObjectURL(blob);
    download(url, "查询码-" + details().number + ".txt");
    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
    say("已保存为文本文件");
  }
  function saveImage() {
    var text = lines();
    var canvas = document.createElement("canvas");
    canvas.width = 720;
    canvas.height = 360;
    var pen = canvas.getContext("2d");
    pen.fillStyle = "#ffffff";
    pen.fillRect(0, 0, canvas.width, canvas.height);
    pen.fillStyle = "#c8102e";
    pen.font = "bold 34px sans-serif";
    pen.fillText(text[0], 32, 64);
    pen.fillStyle = "#1d273b";
    pen.font = "26px sans-serif";
    pen.fillText(text[1], 32, 124);
    pen.font = "bold 48px monospace";
    pen.fillText(details().code, 32, 196);
    pen.font = "22px sans-serif";
    pen.fillText(text[3], 32, 260, 656);
    pen.fillStyle = "#667382";
    pen.font = "20px sans-serif";
    pen.fillText(text[4], 32, 310, 656);
    var data = canvas.toDataURL("image/png");
    var image = document.getElementById("query-code-image");
    image.src = data;
    image.classList.remove("d-none");
    download(data, "查询码-" + details().number + ".png");
    say("已生成图片；如未自动下载，请长按或右键图片保存");
  }
  document.addEventListener("click", function (event) {
    if (!tools()) return;
    if (event.target.closest("[data-copy-code]")) copy();
    else if (event.target.closest("[data-save-text]")) saveText();
    else if (event.target.closest("[data-save-image]")) saveImage();
  });
})();
