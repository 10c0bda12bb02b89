// The credits badge in the top bar: a known change shown at once, the real balance read later.

import { api } from "./api.js";

const badge = () => document.getElementById("credits-badge");

// Show a known change at once (a charge the POST answered with); refreshCredits() later reads
// the real balance.
export function adjustCredits(delta) {
  const el = badge();
  const now = el ? parseInt(el.textContent, 10) : NaN;
  if (!Number.isNaN(now) && delta) el.textContent = `${now + delta} credits`;
}

export async function refreshCredits() {
  const el = badge();
  if (!el) return null;
  try {
    const { balance } = await api("GET", "/api/billing/balance");
    el.textContent = `${balance} credits`;
    return balance;
  } catch {
    return null;  // the badge keeps its last value; the action's own message says what failed
  }
}
