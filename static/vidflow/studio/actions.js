// Buttons and forms of the workspace: an action runs with its control disabled, and its message
// (an error in plain words, or "saved") shows in the feedback box of the nearest [data-scope].

import { explain } from "../core/api.js";
import { refreshCredits } from "../core/credits.js";
import { $$, fill, h } from "../core/dom.js";

// The message box of the nearest scope (a section, a form, a card): errors show where the
// action is.
function feedbackFor(control) {
  for (let scope = control.closest("[data-scope]"); scope; scope = scope.parentElement.closest("[data-scope]")) {
    const box = Array.from(scope.children).find((c) => c.classList.contains("feedback"));
    if (box) return box;
  }
  return null;
}

export function say(control, text, kind) {
  const box = feedbackFor(control);
  if (!box) return;
  fill(box, text ? h("p", { class: kind || "", role: kind === "error" ? "alert" : null, text }) : "");
}

// Run an action from a button: disabled while it works, its error said next to it.
async function perform(control, work) {
  control.disabled = true;
  control.setAttribute("aria-busy", "true");
  say(control, "");
  try {
    return await work();
  } catch (err) {
    say(control, explain(err), "error");
    if (err.code === "INSUFFICIENT_CREDITS") refreshCredits();
    return undefined;
  } finally {
    control.disabled = false;
    control.removeAttribute("aria-busy");
  }
}

export function onClick(control, work) {
  control.addEventListener("click", () => perform(control, () => work(control)));
}

export function onSubmit(form, work) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const button = form.querySelector("[type=submit]");
    perform(button, () => work(new FormData(form), button));
  });
}

// Buttons elsewhere (a stale note's "regenerate") that stand for a section's main button.
$$("[data-click]").forEach((b) =>
  b.addEventListener("click", () => document.getElementById(b.dataset.click).click()));
