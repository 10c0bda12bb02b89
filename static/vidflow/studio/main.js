// The project workspace (templates/projects/project.html), one module per stage section.
//
// Two layers: each section's *content* (titles, chapters, entries, shots...) is loaded when the
// page opens and again after that section's own actions and runs; the *marks* (stage done,
// stale, counts, the selected title, the payload-driven players) follow GET /api/projects/{id}
// after every action. Content is never rebuilt behind a creator's back, so unsaved edits in one
// chapter survive saving another. This entry point loads every section once the payload is in.

import { explain } from "../core/api.js";
import { $, pageReady } from "../core/dom.js";
import { say } from "./actions.js";
import { resumeRuns } from "./following.js";
import { loadChannel, loadOutliers, loadTitles } from "./ideation.js";
import { applyPrices } from "./prices.js";
import { loadShots } from "./production.js";
import { loadPublish, loadYoutube } from "./publish.js";
import { loadScript } from "./script.js";
import { loadBible } from "./visual-bible.js";
import { loadVoices } from "./voiceover.js";
import { refreshProject } from "./workspace.js";

async function start() {
  try {
    await refreshProject();
  } catch (err) {
    say($("#project-h"), explain(err), "error");
    pageReady();
    return;
  }
  // Sections with nothing in them (the payload's counts say so) cost no request.
  const loads = [loadTitles(), loadOutliers(), loadChannel(), loadScript(), loadBible(), loadShots(),
                 loadVoices(), loadPublish(), loadYoutube(), resumeRuns()];
  const results = await Promise.allSettled(loads);
  applyPrices();  // the buttons the sections drew (a shot's, a chapter's) show their prices too
  const failed = results.find((r) => r.status === "rejected");
  if (failed) say($("#project-h"), `Part of the page did not load: ${explain(failed.reason)}`, "error");
  pageReady();
}

start();
