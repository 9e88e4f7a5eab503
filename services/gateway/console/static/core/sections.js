// The console's sections (#sessions, #inbox, …): each is a <section data-section="name"> with
// a link to "#name" in the nav. The hash picks one; what follows a "/" is the section's own.

import { $ } from "./dom.js";

const shown = new Map(); // name -> (rest of the hash as parts) => void

/** `hook(parts)` runs each time the section `name` is shown (or its hash changes). */
export const onShow = (name, hook) => shown.set(name, hook);

let shownName = null;

/** The section on screen (null while signed out). */
export const current = () => ($("console").hidden ? null : shownName);

export function route() {
  const [name, ...parts] = location.hash.replace(/^#/, "").split("/").map(decodeURIComponent);
  const sections = [...document.querySelectorAll("[data-section]")];
  const current = sections.find((s) => s.dataset.section === name) ? name : sections[0].dataset.section;
  shownName = current;
  for (const section of sections) section.hidden = section.dataset.section !== current;
  for (const link of $("sections").querySelectorAll("a")) {
    const mine = link.getAttribute("href") === `#${current}`;
    if (mine) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  shown.get(current)?.(parts);
}

window.addEventListener("hashchange", route);
