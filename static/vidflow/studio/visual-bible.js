// 3. Visual bible: the characters and locations found in the narration, each with its
// variations; the selected one is the reference every shot is drawn from.

import { api, apiList } from "../core/api.js";
import { $, fill, h, plural } from "../core/dom.js";
import { onClick } from "./actions.js";
import { ownRuns, started } from "./following.js";
import { setCounts, staleBadge } from "./marks.js";
import { PICTURES, filePicker } from "./uploads.js";
import { applyMarks, base, onPayload, project, refreshProject } from "./workspace.js";

onPayload((p) => {
  setCounts("visual_bible", `${plural(p.counts.characters, "character")} · ${plural(p.counts.locations, "location")}`);
});

const none = () => h("li", { class: "help", text: "None yet." });

export async function loadBible() {
  if (!(project.counts.characters + project.counts.locations)) {
    fill($("#characters"), none());
    fill($("#locations"), none());
    return;
  }
  const [characters, locations] = await Promise.all([
    apiList(`${base}/visual-bible/characters`), apiList(`${base}/visual-bible/locations`)]);
  fill($("#characters"), ...(characters.length ? characters.map((e) => entryItem(e, "characters")) : [none()]));
  fill($("#locations"), ...(locations.length ? locations.map((e) => entryItem(e, "locations")) : [none()]));
  applyMarks();
}

ownRuns(["visual_bible"], "visual_bible", loadBible);

function entryItem(entry, kindPlural) {
  const path = `${base}/visual-bible/${kindPlural}/${entry.id}`;
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
  const more = h("button", { type: "button", class: "secondary", text: "New variation", "aria-label": `New variation of ${entry.name}`, "data-price": "visual_bible.variation" });
  onClick(more, async () => started(await api("POST", `${path}/variations/generate`)));
  const card = h("li", { class: "entry", "data-scope": true });
  const picker = filePicker(card, {
    label: "Upload a reference picture", accept: PICTURES, route: `${path}/variations/upload`,
    done: async () => { await refreshProject(); await loadBible(); },
  });
  return fill(card,
           h("h4", {}, entry.name, " ", staleBadge({ "data-stale-id": entry.id }, "stale: the script changed, check it still fits")),
           picture,
           entry.description ? h("p", { text: entry.description }) : null,
           variations.length ? h("div", { class: "variations", role: "group", "aria-label": `Variations of ${entry.name}` }, variations) : null,
           h("div", { class: "actions" }, more),
           picker,
           h("div", { class: "feedback", "aria-live": "polite" }));
}

onClick($("#generate-bible"), async () => started(await api("POST", `${base}/visual-bible/generate`, {})));
