// Render, thumbnail and 6. Publish: render the video (captions burnt in or not), the
// thumbnail, the publish context (description, tags, chapters), suggested copy, connecting the
// channel to YouTube and uploading.

import { api, explain } from "../core/api.js";
import { $, clock, fill, h } from "../core/dom.js";
import { onClick, onSubmit, say } from "./actions.js";
import { ownRuns, started } from "./following.js";
import { again, forget, keyed } from "./marks.js";
import { base, onPayload, project, refreshProject } from "./workspace.js";

onPayload((p) => {
  again("render-video", p.selected.render, "Render video", "Render again");
  again("generate-thumbnail", p.selected.thumbnail, "Generate thumbnail", "Regenerate thumbnail");
  showRender(p.selected.render);
  showThumbnail(p.selected.thumbnail);
});

ownRuns(["render", "thumbnail"], "render", async () => {
  forget("#render-current");
  forget("#thumbnail-current");
  await loadPublish();
});
ownRuns(["publish"], "publish", () => loadPublish());

// --- render and thumbnail

// Routes another branch is still building answer 404 until they land.
function unavailable(err, what) {
  if (err.status === 404 && err.code === "NOT_FOUND") err.message = `${what} is not available on this server yet.`;
  throw err;
}

onClick($("#render-video"), async () =>
  started(await api("POST", `${base}/timeline/render`, { captions: $("#render-captions").checked })
    .catch((e) => unavailable(e, "Rendering"))));
onClick($("#generate-thumbnail"), async () =>
  started(await api("POST", `${base}/thumbnail/generate`, {}).catch((e) => unavailable(e, "The thumbnail"))));

function showRender(render) {
  keyed($("#render-current"), render, () => {
    if (!render) return [h("p", { class: "help", text: "Not rendered yet." })];
    const video = h("video", { controls: true, preload: "metadata", src: render.videoUrl, "aria-label": "The rendered video" },
                    render.vttUrl ? h("track", { kind: "captions", src: render.vttUrl, srclang: "en", label: "Captions", default: true }) : null);
    const links = [["final.mp4", render.videoUrl], ["Captions (.srt)", render.srtUrl], ["Captions (.vtt)", render.vttUrl]]
      .filter(([, url]) => url).map(([text, url]) => h("li", {}, h("a", { href: url, download: true, text })));
    return [video, h("p", { class: "facts-line", text: `${clock(render.duration)} · ${render.width}×${render.height}` }),
            h("ul", { class: "downloads" }, links)];
  });
}

function showThumbnail(thumbnail) {
  keyed($("#thumbnail-current"), thumbnail, () => {
    if (!thumbnail) return [h("p", { class: "help", text: "No thumbnail yet." })];
    return [thumbnail.imageUrl ? h("img", { class: "thumbnail", src: thumbnail.imageUrl, alt: `Thumbnail: ${thumbnail.title}` }) : null];
  });
}

// --- the publish context and suggested copy

function chapterLine(c) {
  if (typeof c === "string") return c;
  const at = c.timestamp || c.time || (c.start !== undefined ? clock(c.start) : "");
  return `${at} ${c.title || ""}`.trim();
}

export async function loadPublish() {
  const box = $("#publish-context");
  if (!project.selected.render) return;
  let context;
  try {
    context = await api("GET", `${base}/publish-context`);
  } catch (err) {
    fill(box, h("p", { class: "help", text: err.status === 404 ? "The publish context is not available on this server yet." : explain(err) }));
    return;
  }
  const tags = context.tags || [];
  const chapters = context.chapters || [];
  const stale = Object.entries(context.stale || {}).filter(([, isStale]) => isStale).map(([what]) => what);
  fill(box,
    stale.length ? h("p", {}, h("span", { class: "badge stale", text: "stale" }), ` Out of date: ${stale.join(", ")}. Regenerate before publishing.`) : null,
    context.thumbnailUrl ? h("img", { class: "thumbnail", src: context.thumbnailUrl, alt: "The thumbnail" }) : null,
    h("dl", { class: "publish" },
      h("dt", { text: "Title" }), h("dd", { text: context.title || project.selected.title }),
      h("dt", { text: "Description" }), h("dd", {}, h("pre", { class: "wrap", text: context.description || "" })),
      h("dt", { text: "Tags" }), h("dd", {}, tags.length ? h("ul", { class: "tags" }, tags.map((t) => h("li", { text: t }))) : "none"),
      h("dt", { text: "Chapters" }), h("dd", {}, chapters.length ? h("pre", { class: "wrap", text: chapters.map(chapterLine).join("\n") }) : "none")));
}

onClick($("#suggest-publish"), async () => {
  const copy = await api("POST", `${base}/publish-suggest`);
  fill($("#publish-suggestion"),
    h("h3", { text: "Suggested copy" }),
    h("dl", { class: "publish" },
      h("dt", { text: "Description" }), h("dd", {}, h("pre", { class: "wrap", text: copy.description })),
      h("dt", { text: "Tags" }), h("dd", {}, h("ul", { class: "tags" }, copy.tags.map((t) => h("li", { text: t }))))));
});

onClick($("#load-publish"), async () => {
  await refreshProject();
  if (!project.selected.render) say($("#load-publish"), "Render the video first: the publish context is built from it.", "error");
  else await loadPublish();
});

// --- YouTube

export async function loadYoutube() {
  const status = $("#youtube-status");
  if (!project.channelId) {
    status.textContent = "This project has no channel yet: save the channel setup (Ideation), then connect it to YouTube.";
    return;
  }
  const channel = await api("GET", `/api/channels/${project.channelId}`);
  status.textContent = channel.youtubeConnected
    ? `${channel.name} is connected: uploads go to its YouTube channel.`
    : `${channel.name} is not connected to YouTube yet.`;
  $("#connect-youtube").textContent = channel.youtubeConnected ? "Connect YouTube again" : "Connect YouTube";
}

// Google's consent screen, then back to /youtube/connected.
onClick($("#connect-youtube"), async (button) => {
  if (!project.channelId) {
    say(button, "Save the channel setup (Ideation) first: YouTube connects to a channel.", "error");
    return;
  }
  const { authorizationUrl } = await api("POST", `/api/channels/${project.channelId}/youtube`);
  window.location.assign(authorizationUrl);
});

onSubmit($("#publish-form"), async (data) =>
  started(await api("POST", `${base}/publish-youtube`, { privacy: data.get("privacy") })));
