// 5. Production: plan the shots, then a grid of them (preview, state, prompt, what the picture
// shows) to generate one by one or all at once, or to give the creator's own picture or clip.

import { api, apiList } from "../core/api.js";
import { $, clock, fill, h, plural } from "../core/dom.js";
import { onClick, say } from "./actions.js";
import { ownRuns, started } from "./following.js";
import { again, setCounts, staleBadge } from "./marks.js";
import { PICTURES_AND_CLIPS, filePicker } from "./uploads.js";
import { applyMarks, base, onPayload, project, refreshProject } from "./workspace.js";

const GENERATING = new Set(["generating_image", "generating_video"]);

onPayload((p) => {
  const shots = p.counts.shots;
  const byState = Object.entries(shots.byState).filter(([, n]) => n).map(([state, n]) => `${n} ${state.replace("_", " ")}`);
  setCounts("production", shots.total ? `${plural(shots.total, "shot")}: ${byState.join(", ")}` : "");
  again("plan-shots", shots.total, "Plan shots", "Plan shots again");
});

export async function loadShots() {
  const list = $("#shots");
  if (!project.counts.shots.total) {
    fill(list, h("li", { class: "help", text: "No shots yet: plan them once the voiceover is ready." }));
    return;
  }
  const shots = await apiList(`${base}/timeline/shots`);
  fill(list, ...shots.map(shotItem));
  applyMarks();
}

ownRuns(["shots"], "production", loadShots);

function shotPreview(shot, n) {
  const moving = shot.videoUrl || shot.animatedUrl;
  if (moving) {
    return h("video", { controls: true, preload: "none", src: moving, poster: shot.imageUrl,
                        "aria-label": `Shot ${n} ${shot.videoUrl ? "video" : "animated still"}` });
  }
  if (shot.imageUrl) return h("img", { src: shot.imageUrl, alt: `Shot ${n}: ${shot.prompt}` });
  return h("p", { class: "placeholder", text: "No picture yet" });
}

// What the picture shows, and a search box to draw other icons instead (at most three).
function subjectsBlock(shot, n) {
  const chosen = shot.chosenSubjects || [];
  const shown = shot.source === "upload"
    ? "Your upload."
    : shot.subjects.length
      ? `Shows: ${shot.subjects.map((s) => s.count > 1 ? `${s.label} ×${s.count}` : s.label).join(", ")}.`
      : (shot.imageUrl ? "A title card (the prompt names nothing to draw)." : "");
  const note = chosen.length && shot.source !== "upload" ? ` Next time: ${chosen.join(", ")} (your choice).` : "";
  const search = h("input", { type: "search", placeholder: "Find an icon: octopus, king…",
                              "aria-label": `Find an icon to draw in shot ${n}`, maxlength: 80 });
  const results = h("div", { class: "icon-results", role: "group", "aria-label": `Icons for shot ${n}` });
  const choose = async (names, control) => {
    await api("PATCH", `${base}/timeline/shots/${shot.id}`, { subjects: names });
    say(control, names.length ? `Shot ${n} will draw ${names.join(", ")}: regenerate it.` : "Back to the prompt's subjects.", "ok");
    await refreshProject();
    await loadShots();
  };
  const find = h("button", { type: "button", class: "secondary", text: "Find", "aria-label": `Find icons for shot ${n}` });
  onClick(find, async () => {
    if (!search.value.trim()) return;
    const icons = await apiList(`/api/icons?q=${encodeURIComponent(search.value.trim())}`);
    fill(results, ...(icons.length ? icons.slice(0, 12).map((icon) => {
      const pick = h("button", { type: "button", class: "icon", title: icon.label, "aria-label": `Draw ${icon.label}` },
                     h("img", { src: icon.svgUrl, alt: "" }));
      onClick(pick, () => choose([...chosen.filter((c) => c !== icon.name), icon.name].slice(-3), pick));
      return pick;
    }) : [h("p", { class: "help", text: "No icon by that name." })]));
  });
  search.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); find.click(); } });
  const reset = chosen.length ? h("button", { type: "button", class: "secondary", text: "Use the prompt's", "aria-label": `Draw what the prompt of shot ${n} names` }) : null;
  if (reset) onClick(reset, () => choose([], reset));
  return h("div", { class: "subjects" }, h("p", { class: "help", text: shown + note }),
           shot.source === "upload" ? null : h("div", { class: "actions" }, search, find, reset), results);
}

function shotItem(shot) {
  const n = shot.position + 1;
  const prompt = h("textarea", { rows: 3, maxlength: 2000, id: `shot-${shot.id}-prompt` });
  prompt.value = shot.prompt;
  const verb = shot.state === "planned" ? "Generate" : "Regenerate";
  const save = h("button", { type: "button", class: "secondary", text: "Save prompt", "aria-label": `Save prompt of shot ${n}` });
  const generate = h("button", { type: "button", text: verb, "aria-label": `${verb} shot ${n}`, disabled: GENERATING.has(shot.state),
                                 "data-price": shot.kind === "talking_head" ? "shot.image,shot.talking_head" : "shot.image,shot.video" });
  onClick(save, async () => {
    await api("PATCH", `${base}/timeline/shots/${shot.id}`, { prompt: prompt.value });
    say(save, "Prompt saved.", "ok");
    await refreshProject();
  });
  onClick(generate, async () => started(await api("POST", `${base}/timeline/shots/${shot.id}/generate`, {})));
  const uploaded = shot.source === "upload";
  if (uploaded) generate.disabled = true;
  const remove = uploaded ? h("button", { type: "button", class: "secondary", text: "Remove my upload", "aria-label": `Remove the upload of shot ${n}` }) : null;
  if (remove) {
    onClick(remove, async () => {
      await api("DELETE", `${base}/timeline/shots/${shot.id}/media`);
      await refreshProject();
      await loadShots();
    });
  }
  const card = h("li", { class: "shot", "data-state": shot.state, "data-scope": true, "data-shot-id": shot.id });
  const picker = GENERATING.has(shot.state) ? null : filePicker(card, {
    label: uploaded ? "Replace with another file" : "Use my own picture or clip",
    accept: PICTURES_AND_CLIPS,
    route: `${base}/timeline/shots/${shot.id}/media`,
    done: async () => { await refreshProject(); await loadShots(); },
  });
  return fill(card,
           h("h4", {}, `Shot ${n} `, h("small", { class: "help", text: `${shot.kind.replace("_", " ")} · ${clock(shot.start)}–${clock(shot.end)}` })),
           shotPreview(shot, n),
           h("p", {}, h("span", { class: `state state-${shot.state}`, text: shot.state.replace("_", " ") }), " ",
             staleBadge({ "data-stale-id": shot.id }, "stale: regenerate")),
           shot.error ? h("p", { class: "error", text: shot.error }) : null,
           shot.line ? h("blockquote", { class: "line", text: shot.line }) : null,
           subjectsBlock(shot, n),
           h("label", { for: prompt.id, text: "Prompt" }), prompt,
           h("div", { class: "actions" }, save, generate, remove),
           picker,
           h("div", { class: "feedback", "aria-live": "polite" }));
}

onClick($("#plan-shots"), async () => {
  const generated = project.counts.shots.total - (project.counts.shots.byState.planned || 0);
  if (generated && !window.confirm(`Plan the shots anew? The ${plural(generated, "generated shot")} will be replaced.`)) return undefined;
  return started(await api("POST", `${base}/timeline/shots/plan`, generated ? { replace: true } : {}));
});
onClick($("#generate-all-shots"), async () => started(await api("POST", `${base}/timeline/shots/generate-all`)));
