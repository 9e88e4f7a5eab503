// What the operator panels share: the tab's key (kept by the console in sessionStorage), the
// API in the one error shape, and small DOM helpers that only ever set text, never HTML.

export const KEY_SLOT = "wa.console.key";

export const key = () => sessionStorage.getItem(KEY_SLOT) || "";

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export async function api(method, path, body) {
  const headers = { Authorization: `Bearer ${key()}`, Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const resp = await fetch(path, {
    method, headers, cache: "no-store", body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = resp.headers.get("Content-Type")?.includes("json") ? await resp.json() : null;
  if (resp.ok) return data;
  const err = data?.error || {};
  throw new ApiError(resp.status, err.code || `http_${resp.status}`, err.message || resp.statusText);
}

export const $ = (id) => document.getElementById(id);

/** An element with attributes (``on*`` as listeners) and children (strings become text). */
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

/** User text (names, messages, addresses): its own direction, so Arabic reads right to left. */
export const userText = (text, tag = "span") => h(tag, { dir: "auto" }, text ?? "");

export const when = (iso) => (iso ? new Date(iso).toLocaleString() : "—");

/** A ``datetime-local`` value (the browser's zone) as an ISO time with its offset. */
export const fromLocalInput = (value) => new Date(value).toISOString();

/** An ISO time as a ``datetime-local`` value in the browser's zone (to the second). */
export function toLocalInput(iso) {
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
    `T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Runs ``action`` for a form or button; its error (code included) goes to ``errorNode``. */
export async function attempt(errorNode, action) {
  errorNode.textContent = "";
  try {
    await action();
  } catch (err) {
    errorNode.textContent = err instanceof ApiError ? `${err.message} (${err.code})` : err.message;
  }
}

export function badge(status, text = status) {
  return h("span", { class: `badge status-${status}` }, text);
}

export function table(caption, columns, rows) {
  const head = h("tr", {}, ...columns.map((c) => h("th", { scope: "col" }, c)));
  return h("table", { class: "ops-table" }, h("caption", { class: "visually-hidden" }, caption),
    h("thead", {}, head), h("tbody", {}, ...rows));
}

export const cells = (...nodes) => h("tr", {}, ...nodes.map((n) => h("td", {}, n)));

/** Fills a <select> of sessions, keeping the choice. */
export function fillSessions(select, sessions) {
  const chosen = select.value;
  select.replaceChildren(...sessions.map((s) =>
    h("option", { value: s.id, dir: "auto" }, `${s.name || s.id} (${s.status})`)));
  if (sessions.some((s) => s.id === chosen)) select.value = chosen;
}
