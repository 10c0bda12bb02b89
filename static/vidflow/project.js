// The project workspace: one section per stage, filled from the JSON API.
//
// Two layers: each section's *content* (titles, chapters, entries, shots...) is loaded when the
// page opens and again after that section's own actions and runs; the *marks* (stage done,
// stale, counts, the selected title, the payload-driven players) follow GET /api/projects/{id}
// after every action. Content is never rebuilt behind a creator's back, so unsaved edits in one
// chapter survive saving another.
"use strict";
(function () {
  const { api, h, fill, explain, plural, runLabel, runSummary, watchRun, refreshCredits, adjustCredits,
          clock, isActive } = window.vidflow;
  const root = document.getElementById("workspace");
  if (!root) return;
  const base = `/api/projects/${root.dataset.projectId}`;
  const $ = (selector, scope) => (scope || document).querySelector(selector);
  const $$ = (selector, scope) => Array.from((scope || document).querySelectorAll(selector));
  const STAGES = { ideation: "Ideation", script: "Script", visual_bible: "Visual bible",
                   voiceover: "Voiceover", production: "Production", publish: "Publish" };
  let project = null;  // the last payload

  // --- feedback and actions -------------------------------------------------------------

  // The message box of the nearest scope (a section, a form, a card): errors show where the
  // action is.
  function feedbackFor(control) {
    for (let scope = control.closest("[data-scope]"); scope; scope = scope.parentElement.closest("[data-scope]")) {
      const box = Array.from(scope.children).find((c) => c.classList.contains("feedback"));
      if (box) return box;
    }
    return null;
  }

  function say(control, text, kind) {
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

  function onClick(control, work) {
    control.addEventListener("click", () => perform(control, () => work(control)));
  }

  function onSubmit(form, work) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const button = form.querySelector("[type=submit]");
      perform(button, () => work(new FormData(form), button));
    });
  }

  // Buttons elsewhere (a stale note's "regenerate") that stand for a section's main button.
  $$("[data-click]").forEach((b) => b.addEventListener("click", () => document.getElementById(b.dataset.click).click()));

  // --- runs ------------------------------------------------------------------------------

  const following = new Map();  // run id -> promise of the finished run

  function areaOf(kind) {
    if (kind.startsWith("script.")) return "script";
    if (kind.startsWith("visual_bible.")) return "visual_bible";
    if (kind.startsWith("voiceover.")) return "voiceover";
    if (kind.startsWith("music.")) return "music";
    if (kind.startsWith("shots.")) return "production";
    if (kind.startsWith("publish.")) return "publish";
    return "render";
  }

  // Show a run's progress in its section until it ends, then refresh what it made, the marks
  // and the credits badge (a run that refunds changes the balance at its end).
  function follow(run) {
    if (following.has(run.id)) return following.get(run.id);
    const area = areaOf(run.kind);
    const box = $(`[data-runs="${area}"]`);
    $$(".run.finished", box).forEach((n) => n.remove());
    const text = h("span", { class: "run-text" });
    const label = runLabel(run.kind);
    const bar = h("progress", { max: run.progress.total, value: run.progress.done, "aria-label": `${label}: progress` });
    const cancel = h("button", { type: "button", class: "link-button", text: "Cancel", "aria-label": `Cancel: ${label}` });
    onClick(cancel, () => api("POST", `/api/runs/${run.id}/cancel`));
    const view = h("div", { class: "run", "data-run-id": run.id }, text, " ", bar, " ", cancel);
    box.append(view);
    let done = run.progress.done;
    const show = (r) => {
      text.textContent = runSummary(r);
      bar.max = r.progress.total;
      bar.value = r.progress.done;
      if (!isActive(r)) {
        view.classList.add("finished", `run-${r.status}`);
        bar.remove();
        cancel.remove();
      }
      // Runs of many steps (shots, narration) show each finished piece as it lands; a reload
      // that fails here is tried again when the run ends.
      if (r.progress.done !== done && r.progress.total > 1 && isActive(r)) {
        done = r.progress.done;
        RELOAD[area]().catch(() => {});
      }
    };
    show(run);
    // The section reloads from the fresh payload (its counts say what there is to load).
    const finished = watchRun(run.id, show)
      .then((final) => refreshProject().then(() => Promise.all([RELOAD[area](), refreshCredits()])).then(() => final))
      .catch((err) => { text.textContent = explain(err); })
      .finally(() => following.delete(run.id));
    following.set(run.id, finished);
    return finished;
  }

  // An accepted asynchronous write: {runId, run}. The charge is already on the balance.
  async function started(accepted) {
    adjustCredits(-accepted.run.creditsCharged);
    return follow(accepted.run);
  }

  // --- marks from the payload ------------------------------------------------------------

  async function refreshProject() {
    project = await api("GET", base);
    applyMarks(project);
    return project;
  }

  function applyMarks(p) {
    root.dataset.status = p.status;
    $("#project-stage").textContent = STAGES[p.status] || p.status;
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

    const c = p.counts;
    const byState = Object.entries(c.shots.byState).filter(([, n]) => n).map(([state, n]) => `${n} ${state.replace("_", " ")}`);
    setCounts("ideation", `${plural(c.titleIdeas, "title idea")} · ${plural(c.outlierVideos, "outlier video")}`);
    setCounts("script", plural(c.chapters, "chapter"));
    setCounts("visual_bible", `${plural(c.characters, "character")} · ${plural(c.locations, "location")}`);
    setCounts("production", c.shots.total ? `${plural(c.shots.total, "shot")}: ${byState.join(", ")}` : "");

    // A button says whether it makes the artifact or makes it again.
    const again = (id, exists, first, next) => { $(`#${id}`).textContent = exists ? next : first; };
    again("generate-outline", c.chapters, "Generate outline", "Regenerate outline");
    again("generate-hook", p.selected.hook, "Generate hook", "Regenerate hook");
    again("generate-voiceover", p.selected.voiceover, "Generate voiceover", "Regenerate voiceover");
    again("plan-shots", c.shots.total, "Plan shots", "Plan shots again");
    again("render-video", p.selected.render, "Render video", "Render again");
    again("generate-thumbnail", p.selected.thumbnail, "Generate thumbnail", "Regenerate thumbnail");

    $("#selected-title").textContent = p.selected.title || "none yet";
    showVoiceover(p.selected.voiceover);
    showMusic(p.selected.music);
    showRender(p.selected.render);
    showThumbnail(p.selected.thumbnail);
  }

  function setCounts(stage, text) { $(`[data-counts="${stage}"]`).textContent = text; }

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

  // Payload-driven players are rebuilt only when what they show changed (the signed links
  // change on every read), or after their own run (forget()).
  function keyed(container, value, build) {
    const key = JSON.stringify(value, (k, v) => (k.endsWith("Url") ? Boolean(v) : v));
    if (container.dataset.key === key) return;
    container.dataset.key = key;
    fill(container, build());
  }
  function forget(selector) { delete $(selector).dataset.key; }

  function staleBadge(attrs, text) {
    return h("span", { class: "badge stale", hidden: true, ...attrs }, text || "stale");
  }

  // --- ideation --------------------------------------------------------------------------

  onSubmit($("#idea-form"), async (data, button) => {
    await api("PATCH", base, { idea: data.get("idea") });
    say(button, "Idea saved.", "ok");
    await refreshProject();
  });

  async function loadTitles() {
    const list = $("#title-ideas");
    const ideas = project.counts.titleIdeas ? await api("GET", `${base}/titles`) : [];
    if (!ideas.length) {
      fill(list, h("li", { class: "help", text: "No title ideas yet: suggest some." }));
      return;
    }
    fill(list, ...ideas.map((idea) => {
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
               h("span", { class: "actions" }, use, drop));
    }));
  }

  onClick($("#suggest-titles"), async () => {
    await api("POST", `${base}/titles`, { count: 5 });
    await refreshProject();
    await loadTitles();
  });

  async function loadOutliers() {
    const table = $("#outliers");
    const videos = project.counts.outlierVideos ? await api("GET", `${base}/outlier-videos`) : [];
    table.hidden = !videos.length;
    fill($("tbody", table), ...videos.map((v) => {
      const drop = h("button", { type: "button", class: "link-button", text: "Remove", "aria-label": `Remove ${v.title}` });
      onClick(drop, async () => {
        await api("DELETE", `${base}/outlier-videos/${v.id}`);
        await refreshProject();
        await loadOutliers();
      });
      const title = v.url ? h("a", { href: v.url, rel: "noopener noreferrer", text: v.title }) : v.title;
      return h("tr", {},
               h("td", {}, title, v.channelTitle ? h("small", { class: "help", text: v.channelTitle }) : null),
               h("td", { text: v.views === null ? "—" : v.views.toLocaleString() }),
               h("td", { text: v.channelMedianViews === null ? "—" : v.channelMedianViews.toLocaleString() }),
               h("td", { text: v.outlierScore === null ? "—" : `${v.outlierScore.toFixed(1)}×` }),
               h("td", {}, drop));
    }));
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

  const CHANNEL_FIELDS = ["niche", "audience", "tone", "language", "defaultVoice", "visualStyle"];

  function showChannel(setup) {
    const form = $("#channel-form");
    CHANNEL_FIELDS.forEach((name) => { form.elements[name].value = setup[name] || ""; });
    $("#channel-name").textContent = setup.channelId
      ? `Channel: ${setup.channelName}. Its setup steers every project on it.`
      : "This project has no channel yet: saving the setup creates one named after the project.";
  }

  async function loadChannel() { showChannel(await api("GET", `${base}/channel-setup`)); }

  onSubmit($("#channel-form"), async (data, button) => {
    const changes = {};
    CHANNEL_FIELDS.forEach((name) => { changes[name] = data.get(name).trim(); });
    if (!changes.language) delete changes.language;
    showChannel(await api("PATCH", `${base}/channel-setup`, changes));
    say(button, "Channel setup saved.", "ok");
    await refreshProject();
    await loadYoutube();
  });

  // --- script ----------------------------------------------------------------------------

  async function loadScript() {
    if (!project.counts.chapters) {
      fill($("#chapters"), h("li", { class: "help", text: "No outline yet." }));
      fill($("#analysis"), h("p", { class: "help", text: "No analysis yet." }));
      return;
    }
    const [outline, analysis] = await Promise.all([api("GET", `${base}/script/outline`), api("GET", `${base}/script/analyze`)]);
    $("#hook-text").value = project.selected.hook;
    fill($("#chapters"), ...outline.chapters.map(chapterItem));
    showAnalysis(analysis.analysis);
    const narrated = outline.chapters.some((c) => c.narration);
    $("#generate-narration").textContent = narrated ? "Regenerate all narration" : "Narrate all chapters";
    $("#generate-analysis").textContent = analysis.analysis ? "Analyze again" : "Analyze script";
    applyMarks(project);
  }

  function chapterItem(chapter) {
    const n = chapter.position + 1;
    const title = h("input", { name: "title", maxlength: 200, value: chapter.title, id: `chapter-${chapter.id}-title` });
    const narration = h("textarea", { name: "narration", rows: 5, maxlength: 20000, id: `chapter-${chapter.id}-narration` });
    narration.value = chapter.narration;
    const words = h("span", { class: "help", text: plural(chapter.words, "word") });
    const again = chapter.narration ? "Regenerate narration" : "Narrate this chapter";
    const save = h("button", { type: "button", class: "secondary", text: "Save chapter", "aria-label": `Save chapter ${n}` });
    const regenerate = h("button", { type: "button", text: again, "aria-label": `${again} (chapter ${n})` });
    onClick(save, async () => {
      const saved = await api("PATCH", `${base}/script/chapters/${chapter.id}`, { title: title.value, narration: narration.value });
      words.textContent = plural(saved.words, "word");
      say(save, "Chapter saved.", "ok");
      await refreshProject();
    });
    onClick(regenerate, async () => started(await api("POST", `${base}/script/chapters`, { chapterId: chapter.id })));
    return h("li", { class: "chapter", "data-scope": true, "data-chapter-id": chapter.id },
             h("h4", {}, `Chapter ${n} `, staleBadge({ "data-stale-id": chapter.id }, "stale: its outline changed, regenerate the narration")),
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
        h("dt", { text: "Hook strength" }), h("dd", { text: `${Math.round(a.hookStrength * 100)} %` })),
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

  // --- visual bible ----------------------------------------------------------------------

  async function loadBible() {
    if (!(project.counts.characters + project.counts.locations)) {
      fill($("#characters"), h("li", { class: "help", text: "None yet." }));
      fill($("#locations"), h("li", { class: "help", text: "None yet." }));
      return;
    }
    const [characters, locations] = await Promise.all([api("GET", `${base}/visual-bible/characters`), api("GET", `${base}/visual-bible/locations`)]);
    fill($("#characters"), ...(characters.length ? characters.map((e) => entryItem(e, "characters")) : [h("li", { class: "help", text: "None yet." })]));
    fill($("#locations"), ...(locations.length ? locations.map((e) => entryItem(e, "locations")) : [h("li", { class: "help", text: "None yet." })]));
    applyMarks(project);
  }

  function entryItem(entry, plural_) {
    const path = `${base}/visual-bible/${plural_}/${entry.id}`;
    const selected = entry.variations.find((v) => v.id === entry.selectedVariationId);
    const picture = selected && selected.imageUrl
      ? h("img", { class: "reference", src: selected.imageUrl, alt: `${entry.name}: the selected reference picture` })
      : h("p", { class: "placeholder", text: "No picture yet" });
    const variations = entry.variations.map((v, i) => {
      const isSelected = v.id === entry.selectedVariationId;
      const button = h("button", { type: "button", class: "variation", "aria-pressed": String(isSelected),
                                   "aria-label": `Variation ${i + 1} of ${entry.name}${isSelected ? " (selected)" : ": select"}` },
                       v.imageUrl ? h("img", { src: v.imageUrl, alt: "" }) : `#${i + 1}`);
      if (!isSelected) {
        onClick(button, async () => {
          await api("POST", `${path}/variations/${v.id}/select`);
          await refreshProject();
          await loadBible();
        });
      }
      return button;
    });
    const more = h("button", { type: "button", class: "secondary", text: "New variation", "aria-label": `New variation of ${entry.name}` });
    onClick(more, async () => started(await api("POST", `${path}/variations/generate`)));
    return h("li", { class: "entry", "data-scope": true },
             h("h4", {}, entry.name, " ", staleBadge({ "data-stale-id": entry.id }, "stale: the script changed, check it still fits")),
             picture,
             entry.description ? h("p", { text: entry.description }) : null,
             variations.length ? h("div", { class: "variations", role: "group", "aria-label": `Variations of ${entry.name}` }, variations) : null,
             h("div", { class: "actions" }, more),
             h("div", { class: "feedback", "aria-live": "polite" }));
  }

  onClick($("#generate-bible"), async () => started(await api("POST", `${base}/visual-bible/generate`, {})));

  // --- voiceover and music ---------------------------------------------------------------

  let voices = [];

  async function loadVoices() {
    voices = await api("GET", "/api/voices");
    const select = $("#voice-select");
    const current = project.voiceId || (project.selected.voiceover && project.selected.voiceover.voiceId) || "";
    select.replaceChildren(h("option", { value: "", text: "Default voice (the channel's, else the language's)" }),
                           ...voices.map((v) => h("option", { value: v.id, text: `${v.name} · ${v.language} · ${v.engine}`, selected: v.id === current })));
    fill($("#voice-ids"), ...voices.map((v) => h("option", { value: v.id })));
    showVoiceSample();
    forget("#voiceover-current");  // now its voice can be named
    showVoiceover(project.selected.voiceover);
  }

  function voiceName(id) {
    const voice = voices.find((v) => v.id === id);
    return voice ? `${voice.name} (${voice.language})` : `voice ${id}`;
  }

  function showVoiceSample() {
    const voice = voices.find((v) => v.id === $("#voice-select").value);
    const sample = $("#voice-sample");
    sample.hidden = !voice;
    $("#voice-description").textContent = voice ? voice.description : "";
    if (voice && sample.dataset.voice !== voice.id) {
      sample.dataset.voice = voice.id;
      sample.src = voice.sampleUrl;
    }
  }
  $("#voice-select").addEventListener("change", showVoiceSample);

  onClick($("#generate-voiceover"), async () =>
    started(await api("POST", `${base}/voiceover/generate`, { voiceId: $("#voice-select").value })));

  function showVoiceover(voiceover) {
    keyed($("#voiceover-current"), voiceover, () => {
      if (!voiceover) return [h("p", { class: "help", text: "No voiceover yet." })];
      return [
        voiceover.audioUrl ? h("audio", { controls: true, preload: "metadata", src: voiceover.audioUrl, "aria-label": "Voiceover" }) : null,
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
        music.audioUrl ? h("audio", { controls: true, preload: "metadata", src: music.audioUrl, "aria-label": "Music" }) : null,
        h("p", { class: "facts-line", text: `${music.mood} · ${music.tempo} beats a minute · ${clock(music.duration)}` }),
      ];
    });
  }

  // --- production ------------------------------------------------------------------------

  const GENERATING = new Set(["generating_image", "generating_video"]);

  async function loadShots() {
    const list = $("#shots");
    if (!project.counts.shots.total) {
      fill(list, h("li", { class: "help", text: "No shots yet: plan them once the voiceover is ready." }));
      return;
    }
    const shots = await api("GET", `${base}/timeline/shots`);
    fill(list, ...shots.map(shotItem));
    applyMarks(project);
  }

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
    const generate = h("button", { type: "button", text: verb, "aria-label": `${verb} shot ${n}`, disabled: GENERATING.has(shot.state) });
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

  // --- render, thumbnail, publish ---------------------------------------------------------

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
      return [video, h("p", { class: "facts-line", text: `${clock(render.duration)} · ${render.width}×${render.height}` }), h("ul", { class: "downloads" }, links)];
    });
  }

  function showThumbnail(thumbnail) {
    keyed($("#thumbnail-current"), thumbnail, () => {
      if (!thumbnail) return [h("p", { class: "help", text: "No thumbnail yet." })];
      return [thumbnail.imageUrl ? h("img", { class: "thumbnail", src: thumbnail.imageUrl, alt: `Thumbnail: ${thumbnail.title}` }) : null];
    });
  }

  function chapterLine(c) {
    if (typeof c === "string") return c;
    const at = c.timestamp || c.time || (c.start !== undefined ? clock(c.start) : "");
    return `${at} ${c.title || ""}`.trim();
  }

  async function loadPublish() {
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

  async function loadYoutube() {
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

  onClick($("#load-publish"), async () => {
    await refreshProject();
    if (!project.selected.render) say($("#load-publish"), "Render the video first: the publish context is built from it.", "error");
    else await loadPublish();
  });

  // --- start -----------------------------------------------------------------------------

  const RELOAD = {
    script: loadScript,
    visual_bible: loadBible,
    voiceover: async () => forget("#voiceover-current"),
    music: async () => forget("#music-current"),
    production: loadShots,
    render: async () => { forget("#render-current"); forget("#thumbnail-current"); await loadPublish(); },
    publish: loadPublish,
  };

  // Runs already in flight when the page opens (a reload during a long run) are followed too.
  async function resumeRuns() {
    if (!project.counts.activeRuns) return;
    const page = await api("GET", `/api/runs?projectId=${root.dataset.projectId}&pageSize=20`);
    page.results.filter(isActive).forEach(follow);
  }

  async function start() {
    try {
      await refreshProject();
    } catch (err) {
      say($("#project-h"), explain(err), "error");
      return;
    }
    // Sections with nothing in them (the payload's counts say so) cost no request.
    const loads = [loadTitles(), loadOutliers(), loadChannel(), loadScript(), loadBible(), loadShots(),
                   loadVoices(), loadPublish(), loadYoutube(), resumeRuns()];
    const results = await Promise.allSettled(loads);
    const failed = results.find((r) => r.status === "rejected");
    if (failed) say($("#project-h"), `Part of the page did not load: ${explain(failed.reason)}`, "error");
  }
  start();
})();
