// Small helpers the pages share: calling the JSON API with the session cookie and CSRF token.
"use strict";
window.vidflow = (function () {
  function cookie(name) {
    const m = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return m ? decodeURIComponent(m[1]) : "";
  }
  async function api(method, path, body) {
    const headers = { "Accept": "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (method !== "GET") headers["X-CSRFToken"] = cookie("csrftoken");
    const res = await fetch(path, { method, headers, credentials: "same-origin",
                                    body: body === undefined ? undefined : JSON.stringify(body) });
    const envelope = await res.json().catch(() => ({ success: false, error: { code: "INTERNAL_ERROR", message: res.statusText } }));
    if (!envelope.success) { const e = new Error(envelope.error.message); e.code = envelope.error.code; e.details = envelope.error.details; throw e; }
    return envelope.data;
  }
  return { api, cookie };
})();
