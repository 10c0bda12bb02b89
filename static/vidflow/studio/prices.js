// Prices before the click: every billable button shows what it costs ("Generate all shots ·
// 18 cr"), from GET /api/prices (the one price table) and the project's quote
// (GET /api/projects/{id}/quote: each remaining step, the total and whether the balance covers
// it), read again with every payload. The line under the stepper says what the rest of the way
// to an up-to-date final.mp4 costs, or what bringing the video up to date costs when it is stale.

import { api } from "../core/api.js";
import { $, $$, h, plural } from "../core/dom.js";
import { base, onPayload } from "./workspace.js";

let table = null;  // {action: credits}
let quote = null;

const cr = (n) => `${n} cr`;

// A button's price: from the quote when it names the step (its quantity is known there), else
// the table's price for one unit (marked "each" when the action is counted per unit).
function costOf(button) {
  const step = button.dataset.priceStep;
  if (step && quote) {
    const credits = quote.steps.filter((s) => s.step === step).reduce((sum, s) => sum + s.credits, 0);
    if (credits) return cr(credits);
  }
  const actions = (button.dataset.price || "").split(",").filter(Boolean);
  if (!table || !actions.length || actions.some((a) => table[a] === undefined)) return "";
  const total = actions.reduce((sum, a) => sum + table[a], 0);
  return button.dataset.priceEach ? `${cr(total)} ${button.dataset.priceEach}` : cr(total);
}

export function applyPrices() {
  $$("button[data-price], button[data-price-step]").forEach((button) => {
    const cost = costOf(button);
    if (cost) button.dataset.cost = cost;
    else delete button.dataset.cost;
  });
}

// Sections rebuild their lists (shots, chapters, entries) after their own runs: price the new
// buttons too. Only added nodes are watched, so setting data-cost never calls this again.
let pending = false;
const root = document.getElementById("workspace");
if (root) {
  new MutationObserver(() => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; applyPrices(); });
  }).observe(root, { childList: true, subtree: true });
}

// The stale banner says what bringing everything up to date costs.
function showUpdateCost() {
  const box = $("#stale-summary");
  if (!box) return;
  $$(".update-cost", box).forEach((el) => el.remove());
  if (box.hidden || !quote || quote.upToDate) return;
  const about = quote.estimate ? "about " : "";
  box.append(h("span", { class: "update-cost", text: ` Updating costs ${about}${plural(quote.total, "credit")}${quote.covered ? "." : `: your balance is ${quote.balance}.`}` }));
}

function showQuote(project) {
  showUpdateCost();
  const line = $("#quote-line");
  if (!line || !quote) return;
  const hasRender = Boolean(project.selected.render);
  if (quote.upToDate) {
    line.hidden = true;
    return;
  }
  const about = quote.estimate ? "about " : "";
  const what = hasRender ? "Bringing the video up to date costs" : "From here to a finished final.mp4 costs";
  const covered = quote.covered
    ? `your balance (${quote.balance}) covers it.`
    : `your balance is ${quote.balance}: ${plural(quote.shortfall, "credit")} short.`;
  line.textContent = `${what} ${about}${plural(quote.total, "credit")} (${quote.steps.map((s) => s.label.toLowerCase()).join(", ")}); ${covered}`;
  line.classList.toggle("error", !quote.covered);
  line.hidden = false;
}

onPayload(async (project) => {
  try {
    if (!table) {
      const prices = await api("GET", "/api/prices");
      table = Object.fromEntries(prices.prices.map((p) => [p.action, p.credits]));
    }
    quote = await api("GET", `${base}/quote`);
  } catch {
    return;  // prices are a help, never a reason for the page to fail
  }
  applyPrices();
  showQuote(project);
});
