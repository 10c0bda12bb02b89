// 4. Voiceover and music: the voice picker with samples, offering the voices of the channel's
// language, the most natural first (it also fills the channel setup's voice list), the narration
// player, and a music bed by mood and tempo.

import { api, apiList } from "../core/api.js";
import { $, clock, fill, h, plural } from "../core/dom.js";
import { onClick, onSubmit } from "./actions.js";
import { ownRuns, started } from "./following.js";
import { again, forget, keyed } from "./marks.js";
import { base, onPayload, project } from "./workspace.js";

let voices = [];
let language = "en";

onPayload((p) => {
  again("generate-voiceover", p.selected.voiceover, "Generate voiceover", "Regenerate voiceover");
  showVoiceover(p.selected.voiceover);
  showMusic(p.selected.music);
});

ownRuns(["voiceover"], "voiceover", async () => forget("#voiceover-current"));
ownRuns(["music"], "music", async () => forget("#music-current"));

export async function loadVoices(setup) {
  language = ((setup || await api("GET", `${base}/channel-setup`)).language || "en").trim() || "en";
  voices = await apiList(`/api/voices?language=${encodeURIComponent(language)}`);
  const select = $("#voice-select");
  const current = project.voiceId || (project.selected.voiceover && project.selected.voiceover.voiceId) || "";
  const label = (v) => `${v.name} · ${v.language} · ${v.engine}${v.quality === "low" ? " · robotic" : ""}`;
  select.replaceChildren(h("option", { value: "", text: "Default voice (the channel's, else the language's best)" }),
                         ...voices.map((v) => h("option", { value: v.id, text: label(v), selected: v.id === current })));
  fill($("#voice-ids"), ...voices.map((v) => h("option", { value: v.id })));
  const note = voices.length ? voices[0].note : `No voice speaks “${language}” here: the voiceover will use the first voice installed.`;
  $("#voice-language").textContent = `Voices for the channel's language, ${language}, the most natural first. ${note}`.trim();
  showVoiceSample();
  forget("#voiceover-current");  // now its voice can be named
  showVoiceover(project.selected.voiceover);
}

function voiceName(id) {
  if (!id) return "the default voice";
  const voice = voices.find((v) => v.id === id);
  return voice ? `${voice.name} (${voice.language})` : `voice ${id}`;
}

function showVoiceSample() {
  const voice = voices.find((v) => v.id === $("#voice-select").value);
  const sample = $("#voice-sample");
  sample.hidden = !voice;
  $("#voice-sample-label").hidden = !voice;
  $("#voice-sample-label").textContent = voice ? `Voice sample: ${voice.name} (${voice.language}), a short phrase, not your script` : "Voice sample";
  $("#voice-description").textContent = voice ? voice.description : "";
  if (voice && sample.dataset.voice !== voice.id) {
    sample.dataset.voice = voice.id;
    sample.src = voice.sampleUrl;
  }
}
$("#voice-select").addEventListener("change", showVoiceSample);
// A new channel language offers that language's voices.
document.addEventListener("vidflow:channel", (event) => loadVoices(event.detail));

onClick($("#generate-voiceover"), async () =>
  started(await api("POST", `${base}/voiceover/generate`, { voiceId: $("#voice-select").value })));

function showVoiceover(voiceover) {
  keyed($("#voiceover-current"), voiceover, () => {
    if (!voiceover) return [h("p", { class: "help", text: "No voiceover yet." })];
    // One duration, the voiceover's own, in the label and the facts line alike (the player shows
    // the file's, which is the same audio).
    const label = `Narration: the hook and every chapter, ${clock(voiceover.duration)}, ${voiceName(voiceover.voiceId)}`;
    return [
      voiceover.audioUrl ? h("label", { class: "player-label", for: "voiceover-player", id: "voiceover-player-label", text: label }) : null,
      voiceover.audioUrl ? h("audio", { controls: true, preload: "metadata", src: voiceover.audioUrl, id: "voiceover-player", "aria-labelledby": "voiceover-player-label" }) : null,
      h("p", { class: "facts-line", text: `${plural(voiceover.words, "word")} · ${clock(voiceover.duration)} · ${voiceName(voiceover.voiceId)}` }),
    ];
  });
}

onSubmit($("#music-form"), async (data) =>
  started(await api("POST", `${base}/music/generate`, { mood: data.get("mood"), tempo: Number(data.get("tempo")) })));

function showMusic(music) {
  keyed($("#music-current"), music, () => {
    if (!music) return [h("p", { class: "help", text: "No music yet." })];
    return [
      music.audioUrl ? h("label", { class: "player-label", for: "music-player", id: "music-player-label", text: `Music bed: ${music.mood}, ${clock(music.duration)}` }) : null,
      music.audioUrl ? h("audio", { controls: true, preload: "metadata", src: music.audioUrl, id: "music-player", "aria-labelledby": "music-player-label" }) : null,
      h("p", { class: "facts-line", text: `${music.mood} · ${music.tempo} beats a minute · ${clock(music.duration)}` }),
    ];
  });
}
