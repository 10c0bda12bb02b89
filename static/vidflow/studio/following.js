// Runs in the workspace: a started run (and one already in flight when the page opens) shows
// its progress in the runs box of the section that owns its kind, until it ends; then that
// section reloads, and the marks and the credits badge follow.

import { api, explain } from "../core/api.js";
import { adjustCredits, refreshCredits } from "../core/credits.js";
import { $, $$, h } from "../core/dom.js";
import { isActive, runGroup, runLabel, runSummary, watchRun } from "../core/runs.js";
import { onClick } from "./actions.js";
import { project, projectId, refreshProject } from "./workspace.js";

const owners = new Map();     // run group ("script", "shots"...) -> {area, reload}
const following = new Map();  // run id -> promise of the finished run

// A section says which groups of run kinds it shows (in its [data-runs=area] box) and how it
// reloads what they make.
export function ownRuns(groups, area, reload) {
  groups.forEach((group) => owners.set(group, { area, reload }));
}

const quietly = { area: null, reload: async () => {} };  // a kind no section shows

// Show a run's progress in its section until it ends, then refresh what it made, the marks and
// the credits badge (a run that refunds changes the balance at its end).
export function follow(run) {
  if (following.has(run.id)) return following.get(run.id);
  const { area, reload } = owners.get(runGroup(run.kind)) || quietly;
  const box = $(`[data-runs="${area}"]`) || h("div");
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
    // Runs of many steps (shots, narration) show each finished piece as it lands; a reload that
    // fails here is tried again when the run ends.
    if (r.progress.done !== done && r.progress.total > 1 && isActive(r)) {
      done = r.progress.done;
      reload().catch(() => {});
    }
  };
  show(run);
  // The section reloads from the fresh payload (its counts say what there is to load).
  const finished = watchRun(run.id, show)
    .then((final) => refreshProject().then(() => Promise.all([reload(), refreshCredits()])).then(() => final))
    .catch((err) => { text.textContent = explain(err); })
    .finally(() => following.delete(run.id));
  following.set(run.id, finished);
  return finished;
}

// An accepted asynchronous write: {runId, run}. The charge is already on the balance.
export async function started(accepted) {
  adjustCredits(-accepted.run.creditsCharged);
  return follow(accepted.run);
}

// Runs already in flight when the page opens (a reload during a long run) are followed too.
export async function resumeRuns() {
  if (!project.counts.activeRuns) return;
  const page = await api("GET", `/api/runs?projectId=${projectId}&pageSize=20`);
  page.results.filter(isActive).forEach(follow);
}
