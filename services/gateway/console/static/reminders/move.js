// A "move" form (a new time in the browser's zone, to the second) for one item of a list.

import { attempt, el } from "../core/dom.js";
import { fromLocalInput, toLocalInput } from "../core/time.js";

/** `onMove(iso)` is called with the new time; failures show in `errorNode`. */
export function moveForm({ id, label, current, what, errorNode, onMove }) {
  const inputId = `move-${id}`;
  return el("form", {
    class: "inline", method: "post",
    onsubmit: (event) => {
      event.preventDefault();
      attempt(errorNode, () => onMove(fromLocalInput(event.target.elements.at.value)));
    },
  }, el("label", { for: inputId }, label),
  el("input", { id: inputId, name: "at", type: "datetime-local", step: "1", required: true,
    value: current ? toLocalInput(current) : undefined }),
  el("button", { type: "submit", dataset: { focus: `move:${id}` }, "aria-label": `Move ${what}` },
    "Move"));
}
