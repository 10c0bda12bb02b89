// The runs page: active runs follow their progress live and can be cancelled.
"use strict";
(function () {
  const { api, explain, plural, watchRun, refreshCredits, isActive } = window.vidflow;
  const table = document.getElementById("runs");
  if (!table) return;
  const feedback = document.getElementById("runs-feedback");
  const STATUS = { queued: "Queued", running: "Running", succeeded: "Succeeded", failed: "Failed", cancelled: "Cancelled" };

  function show(row, run) {
    const cell = (name) => row.querySelector(`[data-field="${name}"]`);
    row.dataset.status = run.status;
    cell("status").textContent = STATUS[run.status] || run.status;
    cell("status").className = `status status-${run.status}`;
    cell("progress").max = run.progress.total;
    cell("progress").value = run.progress.done;
    cell("progress-text").textContent = `${run.progress.done}/${run.progress.total}`;
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

  table.querySelectorAll("tr[data-run-id]").forEach((row) => {
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
    if (row.dataset.status === "queued" || row.dataset.status === "running") {
      watchRun(id, (run) => show(row, run)).then(refreshCredits).catch((err) => say(explain(err), "error"));
    }
  });
})();
