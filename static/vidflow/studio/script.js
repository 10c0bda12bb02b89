// 2. Script: the outline's chapters (edit, narrate one or all), the hook, and the analysis
// (words, estimated length, pacing per chapter, risks).

import { api, cookie, explain } from "../core/api.js";
import { $, $$, clock, fill, h, plural } from "../core/dom.js";
import { onClick, onSubmit, say } from "./actions.js";
import { ownRuns, started } from "./following.js";
import { again, placeholderMark, setCounts, staleBadge } from "./marks.js";
import { applyMarks, base, onPayload, project, refreshProject } from "./workspace.js";

onPayload((p) => {
  setCounts("script", plural(p.counts.chapters, "chapter"));
  again("generate-outline", p.counts.chapters, "Generate outline", "Regenerate outline");
  again("generate-hook", p.selected.hook, "Generate hook", "Regenerate hook");
});

export async function loadScript() {
  await loadFacts();
  if (!project.counts.chapters) {
    fill($("#chapters"), h("li", { class: "help", text: "No outline yet." }));
    fill($("#analysis"), h("p", { class: "help", text: "No analysis yet." }));
    return;
  }
  const [outline, analysis] = await Promise.all([
    api("GET", `${base}/script/outline`), api("GET", `${base}/script/analyze`)]);
  $("#hook-text").value = project.selected.hook;
  fill($("#chapters"), ...outline.chapters.map(chapterItem));
  showAnalysis(analysis.analysis);
  const narrated = outline.chapters.some((c) => c.narration);
  $("#generate-narration").textContent = narrated ? "Regenerate all narration" : "Narrate all chapters";
  $("#generate-analysis").textContent = analysis.analysis ? "Analyze again" : "Analyze script";
  applyMarks();
}

ownRuns(["script"], "script", loadScript);

function chapterItem(chapter) {
  const n = chapter.position + 1;
  const title = h("input", { name: "title", maxlength: 200, value: chapter.title, id: `chapter-${chapter.id}-title` });
  const narration = h("textarea", { name: "narration", rows: 5, maxlength: 20000, id: `chapter-${chapter.id}-narration` });
  narration.value = chapter.narration;
  const words = h("span", { class: "help", text: plural(chapter.words, "word") });
  const written = chapter.narration ? chapter.narrationBy : chapter.outlineBy;
  const verb = chapter.narration ? "Regenerate narration" : "Narrate this chapter";
  const save = h("button", { type: "button", class: "secondary", text: "Save chapter", "aria-label": `Save chapter ${n}` });
  const regenerate = h("button", { type: "button", text: verb, "aria-label": `${verb} (chapter ${n})`, "data-price": "script.chapter" });
  onClick(save, async () => {
    const saved = await api("PATCH", `${base}/script/chapters/${chapter.id}`, { title: title.value, narration: narration.value });
    words.textContent = plural(saved.words, "word");
    say(save, "Chapter saved.", "ok");
    await refreshProject();
  });
  onClick(regenerate, async () => started(await api("POST", `${base}/script/chapters`, { chapterId: chapter.id })));
  return h("li", { class: "chapter", "data-scope": true, "data-chapter-id": chapter.id },
           h("h4", {}, `Chapter ${n} `, staleBadge({ "data-stale-id": chapter.id }, "stale: its outline or the facts changed, regenerate the narration"), " ", placeholderMark(written)),
           h("label", { for: title.id, text: "Title" }), title,
           chapter.beats.length ? h("ul", { class: "beats", "aria-label": `Beats of chapter ${n}` }, chapter.beats.map((b) => h("li", { text: b }))) : null,
           h("label", { for: narration.id, text: "Narration" }), narration,
           h("div", { class: "actions" }, save, regenerate, words),
           h("div", { class: "feedback", "aria-live": "polite" }));
}

function showAnalysis(a) {
  const box = $("#analysis");
  if (!a) {
    fill(box, h("p", { class: "help", text: "No analysis yet." }));
    return;
  }
  fill(box,
    h("dl", { class: "facts" },
      h("dt", { text: "Words" }), h("dd", { text: a.wordCount }),
      h("dt", { text: "Estimated length" }), h("dd", { text: `${clock(a.estimatedSeconds)} (target ${clock(a.targetSeconds)})` }),
      h("dt", { text: "Hook strength" }),
      h("dd", { text: a.hookStrength === null ? "not judged (no language model read it)" : `${Math.round(a.hookStrength * 100)} %` })),
    h("table", { class: "list" },
      h("caption", { class: "sr-only", text: "Pacing per chapter" }),
      h("thead", {}, h("tr", {}, ["Chapter", "Words", "Seconds", "Note"].map((t) => h("th", { scope: "col", text: t })))),
      h("tbody", {}, a.chapters.map((row) => h("tr", {},
        h("td", { text: row.title }), h("td", { text: row.words }), h("td", { text: row.seconds }), h("td", { text: row.note || "" }))))),
    a.risks.length ? h("div", {}, h("h4", { text: "Risks" }), h("ul", {}, a.risks.map((r) => h("li", { text: r })))) : null);
}

// Replacing narrated chapters throws the creator's work away: ask first.
onClick($("#generate-outline"), async () => {
  const narrated = $$("#chapters textarea").some((t) => t.value.trim());
  if (narrated && !window.confirm("Replace the outline? The chapters and their narration will be replaced.")) return undefined;
  return started(await api("POST", `${base}/script/outline`, narrated ? { replace: true } : {}));
});
onClick($("#generate-hook"), async () => started(await api("POST", `${base}/script/hook`)));
onClick($("#generate-narration"), async () => started(await api("POST", `${base}/script/chapters`, {})));
onClick($("#generate-analysis"), async () => started(await api("POST", `${base}/script/analyze`)));
onSubmit($("#hook-form"), async (data, button) => {
  await api("PATCH", `${base}/script/hook`, { hook: data.get("hook") });
  say(button, "Hook saved.", "ok");
  await refreshProject();
});

// The script as a Fountain file: the link downloads it; a file chosen here is sent back (PUT) and
// only the chapters whose text changed are replaced (and marked stale downstream).
$("#fountain-upload").addEventListener("change", async (event) => {
  const input = event.target;
  const file = input.files && input.files[0];
  if (!file) return;
  const res = await fetch(`${base}/script.fountain`, {
    method: "PUT", credentials: "same-origin", body: await file.text(),
    headers: { "Content-Type": "text/plain", "Accept": "application/json", "X-CSRFToken": cookie("csrftoken") },
  });
  const envelope = await res.json().catch(() => ({ success: false, error: { message: res.statusText } }));
  input.value = "";
  if (!envelope.success) {
    say(input, explain(Object.assign(new Error(envelope.error.message), envelope.error)), "error");
    return;
  }
  const changed = envelope.data.chaptersChanged.length + (envelope.data.hookChanged ? 1 : 0);
  say(input, changed ? `Imported: ${plural(changed, "part")} of the script changed.` : "Imported: nothing changed.");
  await refreshProject();
  await loadScript();
});

// Facts to check, beside the script: the list the narration is written from. The textarea holds
// one fact a line, "?" first for an uncertain one.
async function loadFacts() {
  const list = $("#facts");
  if (!project.counts.facts && !project.counts.chapters) {
    fill(list, h("li", { class: "help", text: "No facts yet: they are written with the outline, or list them yourself." }));
    $("#facts-text").value = "";
    return;
  }
  const facts = await api("GET", `${base}/script/facts`);
  showFacts(facts);
}

function showFacts(facts) {
  const list = $("#facts");
  if (!facts.facts.length) {
    const none = facts.writtenBy === "offline"
      ? "None: the placeholder writer knows no facts. List the ones the video should state."
      : "None yet: list the ones the video should state.";
    fill(list, h("li", { class: "help", text: none }));
  } else {
    fill(list, ...facts.facts.map((f) => h("li", {},
      f.uncertain ? h("span", { class: "badge stale", text: "uncertain" }) : null, f.uncertain ? " " : null, f.text)));
  }
  $("#facts-text").value = facts.facts.map((f) => (f.uncertain ? `? ${f.text}` : f.text)).join("\n");
}

onSubmit($("#facts-form"), async (data, button) => {
  const facts = String(data.get("facts") || "").split("\n").map((line) => line.trim()).filter(Boolean)
    .map((line) => (line.startsWith("?") ? { text: line.slice(1).trim(), uncertain: true } : { text: line, uncertain: false }))
    .filter((f) => f.text);
  showFacts(await api("PATCH", `${base}/script/facts`, { facts }));
  say(button, "Facts saved. Narration written from the old list is marked stale.", "ok");
  await refreshProject();
});
