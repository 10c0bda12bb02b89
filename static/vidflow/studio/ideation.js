// 1. Ideation: the idea, title ideas (suggest, use, forget), outlier videos (add by hand,
// remove) and the channel setup that steers every project on the channel.

import { api, apiList } from "../core/api.js";
import { $, fill, h, plural } from "../core/dom.js";
import { onClick, onSubmit, say } from "./actions.js";
import { placeholderMark, setCounts } from "./marks.js";
import { loadYoutube } from "./publish.js";
import { base, onPayload, project, refreshProject } from "./workspace.js";

onPayload((p) => {
  setCounts("ideation", `${plural(p.counts.titleIdeas, "title idea")} · ${plural(p.counts.outlierVideos, "outlier video")}`);
  $("#selected-title").textContent = p.selected.title || "none yet";
});

onSubmit($("#idea-form"), async (data, button) => {
  await api("PATCH", base, { idea: data.get("idea") });
  say(button, "Idea saved.", "ok");
  await refreshProject();
});

// --- title ideas

export async function loadTitles() {
  const list = $("#title-ideas");
  const ideas = project.counts.titleIdeas ? await apiList(`${base}/titles`) : [];
  if (!ideas.length) {
    fill(list, h("li", { class: "help", text: "No title ideas yet: suggest some." }));
    return;
  }
  fill(list, ...ideas.map(titleItem));
}

function titleItem(idea) {
  const use = idea.selected
    ? h("strong", { class: "ok", text: "✓ Selected" })
    : h("button", { type: "button", class: "secondary", text: "Use this title", "aria-label": `Use this title: ${idea.text}` });
  const drop = h("button", { type: "button", class: "link-button", text: "Forget", "aria-label": `Forget the idea: ${idea.text}` });
  if (!idea.selected) {
    onClick(use, async () => {
      await api("POST", `${base}/titles/${idea.id}/select`);
      await refreshProject();
      await loadTitles();
    });
  }
  onClick(drop, async () => {
    await api("DELETE", `${base}/titles/${idea.id}`);
    await refreshProject();
    await loadTitles();
  });
  return h("li", { class: idea.selected ? "selected" : "" },
           h("span", { class: "title-text", text: idea.text }), " ",
           idea.angle ? h("small", { class: "help", text: idea.angle }) : null,
           placeholderMark(idea.writtenBy),
           h("span", { class: "actions" }, use, drop));
}

onClick($("#suggest-titles"), async () => {
  await api("POST", `${base}/titles`, { count: 5 });
  await refreshProject();
  await loadTitles();
});

// --- outlier videos

export async function loadOutliers() {
  const table = $("#outliers");
  const videos = project.counts.outlierVideos ? await apiList(`${base}/outlier-videos`) : [];
  table.hidden = !videos.length;
  fill($("tbody", table), ...videos.map(outlierRow));
}

const number = (n) => (n === null ? "—" : n.toLocaleString());

function outlierRow(v) {
  const drop = h("button", { type: "button", class: "link-button", text: "Remove", "aria-label": `Remove ${v.title}` });
  onClick(drop, async () => {
    await api("DELETE", `${base}/outlier-videos/${v.id}`);
    await refreshProject();
    await loadOutliers();
  });
  const title = v.url ? h("a", { href: v.url, rel: "noopener noreferrer", text: v.title }) : v.title;
  return h("tr", {},
           h("td", {}, title, v.channelTitle ? h("small", { class: "help", text: v.channelTitle }) : null),
           h("td", { text: number(v.views) }),
           h("td", { text: number(v.channelMedianViews) }),
           h("td", { text: v.outlierScore === null ? "—" : `${v.outlierScore.toFixed(1)}×` }),
           h("td", {}, drop));
}

onSubmit($("#outlier-form"), async (data, button) => {
  await api("POST", `${base}/outlier-videos`, {
    title: data.get("title"), url: data.get("url"), channelTitle: data.get("channelTitle"),
    views: Number(data.get("views")), channelMedianViews: Number(data.get("channelMedianViews")),
  });
  $("#outlier-form").reset();
  say(button, "Video added.", "ok");
  await refreshProject();
  await loadOutliers();
});

// --- channel setup

const CHANNEL_FIELDS = ["niche", "audience", "tone", "language", "defaultVoice", "visualStyle"];

function showChannel(setup) {
  const form = $("#channel-form");
  CHANNEL_FIELDS.forEach((name) => { form.elements[name].value = setup[name] || ""; });
  $("#channel-name").textContent = setup.channelId
    ? `Channel: ${setup.channelName}. Its setup steers every project on it.`
    : "This project has no channel yet: saving the setup creates one named after the project.";
}

export async function loadChannel() { showChannel(await api("GET", `${base}/channel-setup`)); }

onSubmit($("#channel-form"), async (data, button) => {
  const changes = {};
  CHANNEL_FIELDS.forEach((name) => { changes[name] = data.get(name).trim(); });
  if (!changes.language) delete changes.language;
  const setup = await api("PATCH", `${base}/channel-setup`, changes);
  showChannel(setup);
  document.dispatchEvent(new CustomEvent("vidflow:channel", { detail: setup }));
  say(button, "Channel setup saved.", "ok");
  await refreshProject();
  await loadYoutube();
});
