// Render, thumbnail and 6. Publish: render the video (captions burnt in or not), the
// thumbnail, the publish context (description, tags, chapters), suggested copy, connecting the
// channel to YouTube and uploading.

import { api, explain } from "../core/api.js";
import { $, clock, fill, h } from "../core/dom.js";
import { onClick, onSubmit, say } from "./actions.js";
import { ownRuns, started } from "./following.js";
import { PLACEHOLDER_WRITER, again, forget, keyed } from "./marks.js";
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
                    // Shown by default only when they are not burned into the picture already.
                    render.vttUrl ? h("track", { kind: "captions", src: render.vttUrl, srclang: "en", label: "Captions", default: !render.captions }) : null);
    const links = [["final.mp4", render.videoUrl], ["Captions (.srt)", render.srtUrl], ["Captions (.vtt)", render.vttUrl]]
      .filter(([, url]) => url).map(([text, url]) => h("li", {}, h("a", { href: url, download: true, text })));
    if (new URLSearchParams(window.location.search).has("play")) playOnArrival(video);
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

// The publish context as a form the creator edits and saves (PATCH .../publish-context): the
// title, the description without its chapter list (which is added from the voiceover's chapters)
// and the tags. "Suggest" fills the description and tags with new text to keep or change.
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
  const chapters = context.chapters || [];
  const stale = Object.entries(context.stale || {}).filter(([, isStale]) => isStale).map(([what]) => what);
  const title = h("input", { id: "publish-title", name: "title", maxlength: 100, value: context.title || project.selected.title });
  const description = h("textarea", { id: "publish-description", name: "description", rows: 8, maxlength: 4500 });
  description.value = context.draft || "";
  const tags = h("input", { id: "publish-tags", name: "tags", value: (context.tags || []).join(", ") });
  const save = h("button", { type: "submit", text: "Save title, description and tags" });
  const form = h("form", { id: "publish-copy", class: "grid-form", "data-scope": true },
    h("label", { for: title.id, text: "Title (at most 100 characters)" }), title,
    h("label", { for: description.id, text: "Description (the chapter list below is added at its end)" }), description,
    h("label", { for: tags.id, text: "Tags, separated by commas (500 characters in all)" }), tags,
    h("div", { class: "actions" }, save),
    h("div", { class: "feedback", "aria-live": "polite" }));
  onSubmit(form, async (data, button) => {
    const saved = await api("PATCH", `${base}/publish-context`, {
      title: String(data.get("title")).trim(),
      description: String(data.get("description")),
      tags: String(data.get("tags")).split(",").map((t) => t.trim()).filter(Boolean),
    });
    say(button, `Saved: ${saved.title}. The upload uses it.`, "ok");
  });
  fill(box,
    stale.length ? h("p", {}, h("span", { class: "badge stale", text: "stale" }), ` Out of date: ${stale.join(", ")}. Regenerate before publishing.`) : null,
    context.thumbnailUrl ? h("img", { class: "thumbnail", src: context.thumbnailUrl, alt: "The thumbnail" }) : null,
    form,
    h("h3", { id: "chapters-h", text: "Chapters" }),
    chapters.length
      ? h("ol", { class: "chapters", "aria-labelledby": "chapters-h" }, chapters.map((c) => h("li", { text: chapterLine(c) })))
      : h("p", { class: "help", id: "chapters-note", text: context.chaptersNote || "No chapters yet." }),
    h("p", { class: "help", text: context.chapterRules || "" }));
}

onClick($("#suggest-publish"), async (button) => {
  const copy = await api("POST", `${base}/publish-suggest`);
  const description = $("#publish-description");
  const tags = $("#publish-tags");
  if (!description || !tags) {
    say(button, "Render the video first: the publish copy is edited once there is a video.", "error");
    return;
  }
  description.value = copy.description;
  tags.value = copy.tags.join(", ");
  const placeholder = copy.writtenBy === PLACEHOLDER_WRITER ? " (placeholder text — connect a language model for real scripts)" : "";
  say(button, `New description and tags suggested below${placeholder}: change them if you like, then save.`, "ok");
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

// Arriving from quick mode (?play=1): bring the finished video into view and play it; a browser
// that refuses sound without a click plays it muted instead.
function playOnArrival(video) {
  video.autoplay = true;
  video.addEventListener("loadedmetadata", () => {
    video.scrollIntoView({ block: "center" });
    video.play().catch(() => { video.muted = true; return video.play().catch(() => {}); });
  }, { once: true });
}
