// Building and finding DOM without innerHTML (no artifact text is ever parsed as HTML), and the
// small formatters the pages share (plural words, m:ss clocks).

export const $ = (selector, scope) => (scope || document).querySelector(selector);
export const $$ = (selector, scope) => Array.from((scope || document).querySelectorAll(selector));

// A page's module marks <html data-ready> once its controls are wired and its content drawn:
// the buttons of a server-rendered page do nothing until then (browser tests wait for it).
export function pageReady() {
  document.documentElement.dataset.ready = "true";
}

const absent = (c) => c === null || c === undefined || c === false;

// replaceChildren without the null/false placeholders that conditional children leave.
export function fill(el, ...children) {
  el.replaceChildren(...children.flat().filter((c) => !absent(c)));
  return el;
}

// h("button", {type: "button", text: "Go", onclick: fn}, child, ...): attributes are set as
// attributes, text as textContent.
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (absent(value)) continue;
    if (key === "text") el.textContent = value;
    else if (key === "class") el.className = value;
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (absent(child)) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

export function plural(n, one, many) { return `${n} ${n === 1 ? one : (many || one + "s")}`; }

export function clock(seconds) {
  const s = Math.max(0, Math.round(seconds || 0));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

// The JSON a template handed over with Django's json_script (a data block, never run).
export function pageData(id, fallback) {
  const el = document.getElementById(id);
  return el ? JSON.parse(el.textContent) : fallback;
}
