// The runs page (templates/projects/runs.html): active runs follow their progress live and can
// be cancelled.

import { api, explain } from "./core/api.js";
import { refreshCredits } from "./core/credits.js";
import { pageData, pageReady, plural } from "./core/dom.js";
import { isActive, progressText, watchRun } from "./core/runs.js";

const STATUS = pageData("run-statuses", {});  // the server's RunStatus labels
const table = document.getElementById("runs");
const feedback = document.getElementById("runs-feedback");

function show(row, run) {
  const cell = (name) => row.querySelector(`[data-field="${name}"]`);
  row.dataset.status = run.status;
  cell("status").textContent = STATUS[run.status] || run.status;
  cell("status").className = `status status-${run.status}`;
  cell("progress").max = run.progress.total;
  cell("progress").value = run.progress.done;
  cell("progress-text").textContent = progressText(run.progress);
  cell("credits").textContent = `${run.creditsCharged} charged` + (run.creditsRefunded ? `, ${run.creditsRefunded} refunded` : "");
  if (run.error && !cell("error")) {
    const note = document.createElement("small");
    note.className = "error";
    note.dataset.field = "error";
    cell("status").after(document.createElement("br"), note);
  }
  if (run.error) cell("error").textContent = run.error.message;
  if (!isActive(run)) {
    const cancel = row.querySelector("[data-cancel]");
    if (cancel) cancel.remove();
  }
}

function say(text, kind) {
  const p = document.createElement("p");
  p.className = kind || "";
  if (kind === "error") p.setAttribute("role", "alert");
  p.textContent = text;
  feedback.replaceChildren(p);
}

function wire(row) {
  const id = row.dataset.runId;
  const cancel = row.querySelector("[data-cancel]");
  if (cancel) {
    cancel.addEventListener("click", async () => {
      cancel.disabled = true;
      try {
        const run = await api("POST", `/api/runs/${id}/cancel`);
        show(row, run);
        say(`Cancelled${run.creditsRefunded ? `: ${plural(run.creditsRefunded, "credit")} refunded` : ""}.`, "ok");
        refreshCredits();
      } catch (err) {
        cancel.disabled = false;
        say(explain(err), "error");
      }
    });
  }
  if (isActive({ status: row.dataset.status })) {
    watchRun(id, (run) => show(row, run)).then(refreshCredits).catch((err) => say(explain(err), "error"));
  }
}

if (table) table.querySelectorAll("tr[data-run-id]").forEach(wire);
pageReady();
