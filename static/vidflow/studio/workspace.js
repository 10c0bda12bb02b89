// The open project: its API base, the last GET /api/projects/{id} payload, and the sections that
// redraw from it. A section registers what it draws from the payload (marks, counts, players)
// with onPayload; refreshProject() reads the payload again and redraws them all.

import { api } from "../core/api.js";

export const root = document.getElementById("workspace");
export const projectId = root ? root.dataset.projectId : "";
export const base = `/api/projects/${projectId}`;

// The last payload. A live binding: every importer sees the newest one.
export let project = null;

const drawers = [];

export function onPayload(draw) { drawers.push(draw); }

// Redraw everything drawn from the payload (after a section rebuilt its content, say).
export function applyMarks() { drawers.forEach((draw) => draw(project)); }

// Reads can answer out of order (the page's first read may come back after an action's): an
// answer older than the one already drawn is dropped, so a stale payload never undoes a newer.
let issued = 0;
let drawn = 0;

export async function refreshProject() {
  const mine = ++issued;
  const fresh = await api("GET", base);
  if (mine > drawn) {
    drawn = mine;
    project = fresh;
    applyMarks();
  }
  return project;
}
