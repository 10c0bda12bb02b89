// 5. Production: plan the shots, then a grid of them (preview, state, prompt) to generate one
// by one or all at once.

import { api } from "../core/api.js";
import { $, clock, fill, h, plural } from "../core/dom.js";
import { onClick, say } from "./actions.js";
import { ownRuns, started } from "./following.js";
import { again, setCounts, staleBadge } from "./marks.js";
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
  const shots = await api("GET", `${base}/timeline/shots`);
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
  return h("li", { class: "shot", "data-state": shot.state, "data-scope": true, "data-shot-id": shot.id },
           h("h4", {}, `Shot ${n} `, h("small", { class: "help", text: `${shot.kind.replace("_", " ")} · ${clock(shot.start)}–${clock(shot.end)}` })),
           shotPreview(shot, n),
           h("p", {}, h("span", { class: `state state-${shot.state}`, text: shot.state.replace("_", " ") }), " ",
             staleBadge({ "data-stale-id": shot.id }, "stale: regenerate")),
           shot.error ? h("p", { class: "error", text: shot.error }) : null,
           shot.line ? h("blockquote", { class: "line", text: shot.line }) : null,
           h("label", { for: prompt.id, text: "Prompt" }), prompt,
           h("div", { class: "actions" }, save, generate),
           h("div", { class: "feedback", "aria-live": "polite" }));
}

onClick($("#plan-shots"), async () => {
  const generated = project.counts.shots.total - (project.counts.shots.byState.planned || 0);
  if (generated && !window.confirm(`Plan the shots anew? The ${plural(generated, "generated shot")} will be replaced.`)) return undefined;
  return started(await api("POST", `${base}/timeline/shots/plan`, generated ? { replace: true } : {}));
});
onClick($("#generate-all-shots"), async () => started(await api("POST", `${base}/timeline/shots/generate-all`)));
