// 钉钉 免登 inside the 钉钉 client: ask the client for a 免登 code with the enterprise's CorpId and
// post it in the page's form (the server exchanges it through topapi/v2/user/getuserinfo).
// Written against the `dd` object of 钉钉's JSAPI (window.dd) rather than the npm package
// dingtalk-jsapi, which ships CommonJS modules only and would need a bundler (decision 0017).
// Without `dd`, or when the client refuses, the page goes on to 登录授权 (data-fallback), which
// inside 钉钉 passes without a prompt. No inline script: the strict CSP holds.
(function () {
  "use strict";
  var WAIT_MS = 1500; // how long the client may take to provide dd before we fall back
  var ANSWER_MS = 10000; // how long the client may take to answer before we say so
  var form = document.getElementById("dingtalk-free-login");
  if (!form) return;
  var status = document.getElementById("free-login-status");
  var corpId = form.getAttribute("data-corp-id");
  var clientId = form.getAttribute("data-client-id");
  var fallback = form.getAttribute("data-fallback");
  var done = false;

  function submit(code) {
    if (done || !code) return;
    done = true;
    form.elements.code.value = code;
    status.textContent = "已获得钉钉授权，正在登录……";
    form.submit();
  }

  function fallBack() {
    if (done) return;
    done = true;
    status.textContent = "正在转到钉钉授权登录……";
    window.location.replace(fallback);
  }

  function refused(error) {
    if (done) return;
    done = true;
    var reason = error && (error.errorMessage || error.message);
    status.textContent = "钉钉未能给出免登授权" + (reason ? "（" + reason + "）" : "") +
      "。请点下面的按钮通过钉钉授权登录，或使用账号密码登录。";
    status.classList.remove("text-secondary");
    status.classList.add("text-danger");
  }

  function ask(dd) {
    var permission = dd.runtime && dd.runtime.permission;
    if (permission && typeof permission.requestAuthCode === "function") {
      // the documented H5 微应用 call: {corpId}, answer {code}
      permission.requestAuthCode({
        corpId: corpId,
        onSuccess: function (info) { submit(info && info.code); },
        onFail: refused,
      });
    } else if (typeof dd.requestAuthCode === "function") {
      // the newer 网页应用 call: {corpId, clientId}, answer {code}
      dd.requestAuthCode({
        corpId: corpId,
        clientId: clientId,
        success: function (info) { submit(info && info.code); },
        fail: refused,
      });
    } else {
      fallBack();
    }
  }

  function whenReady(dd) {
    if (typeof dd.ready === "function") dd.ready(function () { ask(dd); });
    else ask(dd);
    if (typeof dd.error === "function") dd.error(refused);
  }

  window.setTimeout(function () { refused({ message: "钉钉没有应答" }); }, ANSWER_MS);
  var started = Date.now();
  (function look() {
    if (window.dd) { whenReady(window.dd); return; }
    if (Date.now() - started > WAIT_MS) { fallBack(); return; }
    window.setTimeout(look, 100);
  })();
})();
