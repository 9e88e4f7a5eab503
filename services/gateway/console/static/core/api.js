// The tenant key (this tab only: memory and sessionStorage; only ever in a header) and the
// API's one error shape. Every request of the console goes through here.

const KEY_SLOT = "wa.console.key";
export const auth = { key: sessionStorage.getItem(KEY_SLOT) || "" };
const signOutHooks = [];

export class ApiError extends Error {
  constructor(status, code, message, details = {}) {
    super(message);
    Object.assign(this, { status, code, details });
  }
}

export function keepKey(key) {
  auth.key = key;
  sessionStorage.setItem(KEY_SLOT, key);
}

/** Run `hook(message)` on sign-out (a page drops what it holds of the tenant). */
export function onSignOut(hook) {
  signOutHooks.push(hook);
}

export function signOut(message = "") {
  sessionStorage.removeItem(KEY_SLOT);
  auth.key = "";
  for (const hook of signOutHooks) hook(message);
}

export const authHeaders = (extra = {}) => ({ Authorization: `Bearer ${auth.key}`, ...extra });

/** A JSON request; `body` is an object (sent as JSON) or a Blob (sent as is, its type). */
export async function api(method, path, body, extra = {}) {
  const key = auth.key;
  const headers = authHeaders({ Accept: "application/json", ...extra });
  const blob = body instanceof Blob;
  if (body !== undefined) {
    headers["Content-Type"] = blob ? body.type || "application/octet-stream" : "application/json";
  }
  const resp = await fetch(path, {
    method, headers, cache: "no-store",
    body: body === undefined || blob ? body : JSON.stringify(body),
  });
  const data = resp.headers.get("Content-Type")?.includes("json") ? await resp.json() : null;
  return answer(resp, data, key);
}

/** A file (e.g. a QR code or a received photo) as a Blob, the key in a header. */
export async function apiBlob(path, accept = "*/*", signal = undefined) {
  const key = auth.key;
  const resp = await fetch(path, { headers: authHeaders({ Accept: accept }), cache: "no-store", signal });
  if (resp.ok) return resp.blob();
  const data = resp.headers.get("Content-Type")?.includes("json") ? await resp.json() : null;
  return answer(resp, data, key);
}

function answer(resp, data, key) {
  if (auth.key !== key) throw new ApiError(0, "signed_out", "Signed out meanwhile.");
  if (resp.ok) return data;
  const err = data?.error || {};
  if (resp.status === 401 && auth.key) signOut("The key was not accepted. Sign in again.");
  throw new ApiError(resp.status, err.code || `http_${resp.status}`, err.message || resp.statusText,
    err.details || {});
}

export const sessionPath = (id, suffix = "") => `/v1/sessions/${encodeURIComponent(id)}${suffix}`;
