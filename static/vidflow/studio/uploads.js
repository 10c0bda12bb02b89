// The creator's own media: a file picker that is also a drop target (the whole card), sending
// the file as multipart "file" to a route; the server checks it and answers what went wrong.

import { api } from "../core/api.js";
import { h } from "../core/dom.js";
import { say } from "./actions.js";

export const PICTURES = "image/png,image/jpeg,image/webp";
export const PICTURES_AND_CLIPS = `${PICTURES},video/mp4,video/webm,video/quicktime,.mov`;

// A labelled file input for `card`; a file picked or dropped on the card goes to `route`, then
// `done(data)` runs. Returns the control to put in the card.
export function filePicker(card, { label, accept, route, done }) {
  const input = h("input", { type: "file", accept, class: "file-input", "aria-label": label });
  const send = async (file) => {
    if (!file) return;
    const body = new FormData();
    body.append("file", file);
    input.disabled = true;
    card.classList.add("uploading");
    say(input, `Uploading ${file.name}…`, "ok");
    try {
      const data = await api("POST", route, body);
      say(input, `${file.name} uploaded.`, "ok");
      await done(data);
    } catch (err) {
      say(input, err.message, "error");
    } finally {
      input.disabled = false;
      input.value = "";
      card.classList.remove("uploading");
    }
  };
  input.addEventListener("change", () => send(input.files[0]));
  card.addEventListener("dragover", (event) => {
    event.preventDefault();
    card.classList.add("drop-target");
  });
  card.addEventListener("dragleave", () => card.classList.remove("drop-target"));
  card.addEventListener("drop", (event) => {
    event.preventDefault();
    card.classList.remove("drop-target");
    send(event.dataTransfer.files[0]);
  });
  return h("label", { class: "file-picker" }, h("span", { text: label }), input);
}
