// The JSON API: calls with the session cookie and the CSRF token, unwraps the envelope, and turns
// an envelope error into an Error (code, status, details, retryAfter) and then into plain words.

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function cookie(name) {
  const m = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
  return m ? decodeURIComponent(m[1]) : "";
}

async function request(method, path, body) {
  const headers = { "Accept": "application/json" };
  const form = body instanceof FormData; // a file upload: the browser sets the multipart type
  if (body !== undefined && !form) headers["Content-Type"] = "application/json";
  if (method !== "GET") headers["X-CSRFToken"] = cookie("csrftoken");
  const res = await fetch(path, {
    method, headers, credentials: "same-origin",
    body: body === undefined || form ? body : JSON.stringify(body),
  });
  const envelope = await res.json().catch(() => (
    { success: false, error: { code: "INTERNAL_ERROR", message: res.statusText } }));
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

// Resolves to the envelope's data; rejects with an Error carrying code, status and details.
// A read refused by the rate limit is tried again after Retry-After (twice at most): the page
// reads a lot, and a creator should see the data rather than a 429.
export async function api(method, path, body) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await request(method, path, body);
    } catch (err) {
      if (method !== "GET" || err.code !== "RATE_LIMITED" || attempt >= 2) throw err;
      await sleep(1000 * Math.min(err.retryAfter || 5, 30));
    }
  }
}

// Every list answers {results, next, previous} (README, "Lists"): the whole list, every page
// followed until next is null. A next link is absolute (PUBLIC_BASE_URL); its path is ours.
export async function apiList(path) {
  const items = [];
  for (let url = path; url; ) {
    const page = await api("GET", url);
    items.push(...page.results);
    const next = page.next ? new URL(page.next, window.location.href) : null;
    url = next ? next.pathname + next.search : null;
  }
  return items;
}

// An API error in words a creator can act on.
export function explain(err) {
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
