// Runs: their names (the server's RunKind labels, handed to the page in the "run-kinds"
// json_script), a one-line summary of a run, and following one by long-polling until it ends.

import { api, sleep } from "./api.js";
import { pageData, plural } from "./dom.js";

const ACTIVE = new Set(["queued", "running"]);
const LABELS = pageData("run-kinds", {});  // {"script.outline": "Outline", ...}

export const isActive = (run) => ACTIVE.has(run.status);

export function runLabel(kind) { return LABELS[kind] || kind; }

// The part of a run kind before the dot ("script" of "script.outline"): which family of work it
// is, so a page can tell which of its sections shows the run.
export function runGroup(kind) { return kind.split(".")[0]; }

// What a run's progress counts, in words: "24 of 66 s" for a render, "3 of 9 shots".
export function progressText(progress) {
  const { done, total, unit } = progress;
  if (!unit || unit === "steps") return `${done} of ${total} done`;
  return `${done} of ${total} ${unit}`;
}

// One line about a run: "Render: working, 24 of 66 s…" or "Outline done · 1 credit charged".
export function runSummary(run) {
  const label = runLabel(run.kind);
  const refunded = run.creditsRefunded ? ` · ${plural(run.creditsRefunded, "credit")} refunded` : "";
  const charged = run.creditsCharged ? ` · ${plural(run.creditsCharged, "credit")} charged` : "";
  switch (run.status) {
    case "queued": return `${label}: waiting for a worker…`;
    case "running": return `${label}: working, ${progressText(run.progress)}…`;
    case "succeeded": return `${label} done${charged}${refunded}`;
    case "failed": return `${label} failed: ${run.error ? run.error.message : "unknown error"}${refunded}`;
    default: return `${label} cancelled${refunded}`;
  }
}

// Follow GET /api/runs/{id} until the run ends; onUpdate sees every state. Each request is a
// long poll (?wait=25): the server answers as soon as the run moves, so progress shows at once
// while a long render costs a couple of requests a minute of the page's rate limit. Resolves to
// the finished run.
export async function watchRun(runId, onUpdate) {
  for (;;) {
    let run;
    try {
      run = await api("GET", `/api/runs/${runId}?wait=25`);
    } catch (err) {
      if (err.code === "RATE_LIMITED" || err.code === undefined) {  // limited, or offline
        await sleep(1000 * Math.min(err.retryAfter || 5, 30));
        continue;
      }
      throw err;
    }
    onUpdate(run);
    if (!isActive(run)) return run;
    await sleep(200);  // the server waited already; just don't spin if it answered early
  }
}
