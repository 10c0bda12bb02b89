// The marks every section shares, drawn from the payload: the stage and credits spent, the
// stepper, "stale" badges and flags with the summary that links to them; and the helpers the
// sections draw their own marks with (counts, "make again" button texts, payload-keyed players).

import { $, $$, fill, h, plural } from "../core/dom.js";
import { onPayload, root } from "./workspace.js";

export function setCounts(stage, text) { $(`[data-counts="${stage}"]`).textContent = text; }

// A button says whether it makes the artifact or makes it again.
export function again(id, exists, first, next) { $(`#${id}`).textContent = exists ? next : first; }

export function staleBadge(attrs, text) {
  return h("span", { class: "badge stale", hidden: true, ...attrs }, text || "stale");
}

// Text the offline template stub wrote carries this mark, linking to how to connect a model.
export const PLACEHOLDER_WRITER = "offline";
export function placeholderMark(writtenBy) {
  if (writtenBy !== PLACEHOLDER_WRITER) return null;
  return h("a", { class: "badge placeholder-text", href: "/help/real-scripts",
                  text: "placeholder text — connect a language model for real scripts" });
}

// The script's parts the payload lists as placeholder text get the mark beside their heading.
onPayload((p) => {
  $$("[data-placeholder-for]").forEach((slot) => {
    const on = (p.placeholderText || []).includes(slot.dataset.placeholderFor);
    if (on !== Boolean(slot.firstChild)) fill(slot, on ? placeholderMark(PLACEHOLDER_WRITER) : null);
  });
});

// Payload-driven players are rebuilt only when what they show changed (the signed links change
// on every read), or after their own run (forget()).
export function keyed(container, value, build) {
  const key = JSON.stringify(value, (k, v) => (k.endsWith("Url") ? Boolean(v) : v));
  if (container.dataset.key === key) return;
  container.dataset.key = key;
  fill(container, build());
}

export function forget(selector) { delete $(selector).dataset.key; }

// A stage's name as the server renders it in the stepper.
function stageLabel(stage) {
  const link = $(`#stepper li[data-stage="${stage}"] a`);
  return link ? link.textContent : stage;
}

function staleSummary(stale) {
  const parts = [];
  const add = (when, text, anchor) => { if (when) parts.push(h("a", { href: `#${anchor}`, text })); };
  add(stale.chapters.length, `narration of ${plural(stale.chapters.length, "chapter")}`, "script");
  add(stale.hook, "the hook", "script");
  add(stale.analysis, "the analysis", "script");
  add(stale.bibleEntries.length, plural(stale.bibleEntries.length, "visual bible entry", "visual bible entries"), "visual_bible");
  add(stale.voiceover, "the voiceover", "voiceover");
  add(stale.music, "the music", "voiceover");
  add(stale.shots.length, plural(stale.shots.length, "shot"), "production");
  add(stale.render, "the render", "render");
  add(stale.thumbnail, "the thumbnail", "render");
  const box = $("#stale-summary");
  box.hidden = !parts.length;
  const list = parts.flatMap((a, i) => (i ? [", ", a] : [a]));
  fill(box, h("span", { class: "badge stale", text: "out of date" }), " ", ...list,
       ": something they were made from changed. Regenerate them when you are ready.");
}

onPayload((p) => {
  root.dataset.status = p.status;
  $("#project-stage").textContent = stageLabel(p.status);
  $("#credits-spent").textContent = p.creditsSpent;
  const done = new Set(p.completedStages);
  $$("#stepper li").forEach((li) => {
    const stage = li.dataset.stage;
    li.classList.toggle("done", done.has(stage));
    li.classList.toggle("current", stage === p.status);
    if (stage === p.status) li.setAttribute("aria-current", "step");
    else li.removeAttribute("aria-current");
  });
  $$("[data-stage-mark]").forEach((mark) => {
    const stage = mark.dataset.stageMark;
    mark.textContent = done.has(stage) ? "✓ done" : stage === p.status ? "current stage" : "";
    mark.classList.toggle("ok", done.has(stage));
  });

  const staleIds = new Set([...p.stale.chapters, ...p.stale.bibleEntries, ...p.stale.shots].map(String));
  $$("[data-stale-id]").forEach((el) => { el.hidden = !staleIds.has(el.dataset.staleId); });
  $$("[data-stale-flag]").forEach((el) => { el.hidden = !p.stale[el.dataset.staleFlag]; });
  staleSummary(p.stale);
});
