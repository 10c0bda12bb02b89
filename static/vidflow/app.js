// What every page shares: calling the JSON API with the session cookie and CSRF token, building
// DOM without innerHTML, saying errors in plain words, following a run, the credits badge.
"use strict";
window.vidflow = (function () {
  const ACTIVE = new Set(["queued", "running"]);
  // The same words as projects/views.py RUN_KIND_LABELS.
  const RUN_LABELS = {
    "script.outline": "Outline", "script.hook": "Hook", "script.chapters": "Narration",
    "script.analyze": "Script analysis", "visual_bible.generate": "Visual bible",
    "visual_bible.variation": "New variation", "voiceover.generate": "Voiceover",
    "music.generate": "Music", "shots.plan": "Shot plan", "shots.generate": "Shots",
    "render.final": "Render", "thumbnail.generate": "Thumbnail", "publish.youtube": "YouTube upload",
  };

  function cookie(name) {
    const m = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return m ? decodeURIComponent(m[1]) : "";
  }

  // Resolves to the envelope's data; rejects with an Error carrying code, status and details.
  // A read refused by the rate limit is tried again after Retry-After (twice at most): the
  // page reads a lot, and a creator should see the data rather than a 429.
  async function api(method, path, body) {
    for (let attempt = 0; ; attempt++) {
      try {
        return await request(method, path, body);
      } catch (err) {
        if (method !== "GET" || err.code !== "RATE_LIMITED" || attempt >= 2) throw err;
        await sleep(1000 * Math.min(err.retryAfter || 5, 30));
      }
    }
  }

  async function request(method, path, body) {
    const headers = { "Accept": "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (method !== "GET") headers["X-CSRFToken"] = cookie("csrftoken");
    const res = await fetch(path, { method, headers, credentials: "same-origin",
                                    body: body === undefined ? undefined : JSON.stringify(body) });
    const envelope = await res.json().catch(() => ({ success: false, error: { code: "INTERNAL_ERROR", message: res.statusText } }));
    if (!envelope.success) {
      const e = new Error(envelope.error.message);
      e.code = envelope.error.code;
      e.status = res.status;
      e.details = envelope.error.details || {};
      e.retryAfter = Number(res.headers.get("Retry-After")) || e.details.retryAfter || 0;
      throw e;
    }
    return envelope.data;
  }

  // replaceChildren without the null/false placeholders that conditional children leave.
  function fill(el, ...children) {
    el.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
    return el;
  }

  // h("button", {type: "button", text: "Go", onclick: fn}, child, ...): attributes are set as
  // attributes, text as textContent, so no artifact text is ever parsed as HTML.
  function h(tag, props, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "text") el.textContent = value;
      else if (key === "class") el.className = value;
      else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
      else el.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : String(child));
    }
    return el;
  }

  function plural(n, one, many) { return `${n} ${n === 1 ? one : (many || one + "s")}`; }

  // An API error in words a creator can act on.
  function explain(err) {
    const d = err.details || {};
    switch (err.code) {
      case "INSUFFICIENT_CREDITS":
        return d.balance !== undefined
          ? `Not enough credits: this needs ${d.required}, your balance is ${d.balance}.`
          : `Not enough credits. ${err.message}`;
      case "RATE_LIMITED":
        return `Too many requests just now: try again in ${err.retryAfter || "a few"} seconds.`;
      case "YOUTUBE_NOT_CONNECTED":
        return "Connect the project's channel to YouTube first.";
      case "UNAUTHENTICATED":
        return "Your session has ended: log in again.";
      case "VALIDATION_ERROR": {
        const fields = Object.entries(d).map(([f, msgs]) =>
          `${f === "non_field_errors" ? "" : f + ": "}${[].concat(msgs).join(" ")}`);
        return fields.length ? `${err.message} ${fields.join(" ")}` : err.message;
      }
      case undefined:
        return "The server could not be reached. Check your connection and try again.";
      default:
        return err.message;
    }
  }

  function runLabel(kind) { return RUN_LABELS[kind] || kind; }

  // One line about a run: "Outline: running, 1 of 3" or "Outline done · 1 credit charged".
  function runSummary(run) {
    const label = runLabel(run.kind);
    const { done, total } = run.progress;
    const refunded = run.creditsRefunded ? ` · ${plural(run.creditsRefunded, "credit")} refunded` : "";
    const charged = run.creditsCharged ? ` · ${plural(run.creditsCharged, "credit")} charged` : "";
    switch (run.status) {
      case "queued": return `${label}: waiting for a worker…`;
      case "running": return `${label}: working, ${done} of ${total} done…`;
      case "succeeded": return `${label} done${charged}${refunded}`;
      case "failed": return `${label} failed: ${run.error ? run.error.message : "unknown error"}${refunded}`;
      default: return `${label} cancelled${refunded}`;
    }
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  // Follow GET /api/runs/{id} until the run ends; onUpdate sees every state. Each request is a
  // long poll (?wait=25): the server answers as soon as the run moves, so progress shows at
  // once while a long render costs a couple of requests a minute of the page's rate limit.
  // Resolves to the finished run.
  async function watchRun(runId, onUpdate) {
    for (;;) {
      let run;
      try {
        run = await api("GET", `/api/runs/${runId}?wait=25`);
      } catch (err) {
        if (err.code === "RATE_LIMITED" || err.code === undefined) {  // limited, or offline
          await sleep(1000 * Math.min(err.retryAfter || 5, 30));
          continue;
        }
        throw err;
      }
      onUpdate(run);
      if (!ACTIVE.has(run.status)) return run;
      await sleep(200);  // the server waited already; just don't spin if it answered early
    }
  }

  // Show a known change at once (a charge the POST answered with); refreshCredits() later
  // reads the real balance.
  function adjustCredits(delta) {
    const badge = document.getElementById("credits-badge");
    const now = badge ? parseInt(badge.textContent, 10) : NaN;
    if (!Number.isNaN(now) && delta) badge.textContent = `${now + delta} credits`;
  }

  async function refreshCredits() {
    const badge = document.getElementById("credits-badge");
    if (!badge) return null;
    try {
      const { balance } = await api("GET", "/api/billing/balance");
      badge.textContent = `${balance} credits`;
      return balance;
    } catch (err) {
      return null;  // the badge keeps its last value; the action's own message says what failed
    }
  }

  function clock(seconds) {
    const s = Math.max(0, Math.round(seconds || 0));
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  }

  return { api, h, fill, cookie, explain, plural, runLabel, runSummary, watchRun, refreshCredits,
           adjustCredits, clock, sleep, isActive: (run) => ACTIVE.has(run.status) };
})();
