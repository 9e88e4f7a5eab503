// Small DOM helpers: nothing here knows about WhatsApp.

export const $ = (id) => document.getElementById(id);

/** An element with attributes (`class`, `dir`, `aria-*`, `dataset`, `on*` handlers…) and
 * children (strings become text). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "text") node.textContent = value;
    else if (name === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  node.append(...children.flat().filter((child) => child !== null && child !== undefined));
  return node;
}

/** Say `text` to screen readers (the page's one polite live region). */
export function announce(text) {
  $("announce").textContent = text;
}

export const errorText = (err) => (err.code ? `${err.message} (${err.code})` : err.message);

/** User text (names, messages, addresses): its own direction, so Arabic reads right to left. */
export const userText = (text, tag = "span") => el(tag, { dir: "auto" }, text ?? "");

export const badge = (status, text = status) => el("span", { class: `badge status-${status}` }, text);

/** Run `action`, showing its failure in the element `error` (an id or the node; cleared first). */
export async function attempt(error, action) {
  const node = typeof error === "string" ? $(error) : error;
  node.textContent = "";
  try {
    await action();
  } catch (err) {
    node.textContent = errorText(err);
  }
}

export function on(id, kind, action, errorId) {
  $(id).addEventListener(kind, (event) => {
    event.preventDefault();
    attempt(errorId, action);
  });
}

export const clock = (iso) =>
  iso ? new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) : "";
