// Quick mode on the dashboard: an idea, a length, a format and a voice become a finished video in
// one run on the server (POST /api/make). The button shows the price before the click (GET
// /api/make/quote); the page follows the run stage by stage and opens the studio with the video
// playing when it is done.

import { api, apiList, explain } from "./core/api.js";
import { $, fill, h, pageData, pageReady } from "./core/dom.js";
import { watchRun } from "./core/runs.js";

const STAGES = pageData("make-stages", {});  // {"outline": "Writing the outline", ...}
const form = $("#quick-form");
const button = $("#quick-make");
const status = $("#quick-status");

function choices() {
  return {
    targetSeconds: Number($("#quick-length").value),
    aspectRatio: $("#quick-format").value,
    music: $("#quick-music").checked,
  };
}

async function showPrice() {
  const { targetSeconds, aspectRatio, music } = choices();
  const query = new URLSearchParams({ targetSeconds, aspectRatio, music });
  try {
    const quote = await api("GET", `/api/make/quote?${query}`);
    const about = quote.estimate ? "about " : "";
    button.textContent = `Make the video · ${about}${quote.total} cr`;
    button.dataset.credits = String(quote.total);
    if (!quote.covered) {
      status.textContent = `This video needs ${about}${quote.total} credits; your balance is ${quote.balance}.`;
    } else if (status.dataset.kind !== "run") {
      status.textContent = "";
    }
  } catch {
    button.textContent = "Make the video";
  }
}

async function loadVoices() {
  try {
    const voices = await apiList("/api/voices");
    const select = $("#quick-voice");
    for (const voice of voices) {
      select.append(h("option", { value: voice.id, text: voice.name || voice.id }));
    }
  } catch {
    // The default voice still works without the list.
  }
}

function showStages(current) {
  const names = Object.keys(STAGES);
  const at = names.indexOf(current);
  fill($("#quick-stages"), names.map((name, i) => h("li", {
    class: i < at ? "done" : (i === at ? "current" : ""),
    "aria-current": i === at ? "step" : null,
    text: STAGES[name],
  })));
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const idea = $("#quick-idea").value.trim();
  if (!idea) { status.textContent = "Say what the video is about."; return; }
  button.disabled = true;
  status.dataset.kind = "run";
  status.textContent = "Starting…";
  const body = { idea, ...choices() };
  if ($("#quick-voice").value) body.voiceId = $("#quick-voice").value;
  try {
    const started = await api("POST", "/api/make", body);
    const run = await watchRun(started.runId, (r) => {
      const stage = r.progress.stage;
      if (stage) showStages(stage);
      status.textContent = stage ? `${STAGES[stage] || stage}…` : "Waiting for a worker…";
    });
    if (run.status === "succeeded") {
      status.textContent = "Done: opening the studio…";
      window.location.assign(`/projects/${started.projectId}?play=1`);
      return;
    }
    status.textContent = run.error ? run.error.message : `The make was ${run.status}.`;
  } catch (err) {
    status.textContent = explain(err);
  }
  button.disabled = false;
});

for (const id of ["#quick-length", "#quick-format", "#quick-music"]) {
  $(id).addEventListener("change", showPrice);
}
showPrice();
loadVoices();
pageReady();
