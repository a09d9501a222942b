// Starts Swagger UI on the API docs page. Kept in a file (no inline script) for the strict CSP.
(function () {
  "use strict";

  function start() {
    var root = document.getElementById("swagger-ui");
    if (!root || typeof window.SwaggerUIBundle !== "function") {
      return;
    }
    var csrfToken = root.dataset.csrfToken;
    window.SwaggerUIBundle({
      url: root.dataset.schemaUrl,
      domNode: root,
      presets: [window.SwaggerUIBundle.presets.apis],
      layout: "BaseLayout",
      deepLinking: true,
      validatorUrl: null, // no calls to an outside validator: works offline
      withCredentials: true,
      requestInterceptor: function (request) {
        // Browser sessions need the CSRF token on writes; token clients ignore it.
        if (csrfToken) {
          request.headers["X-CSRFToken"] = csrfToken;
        }
        return request;
      },
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
