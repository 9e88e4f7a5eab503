"use strict";
// The pairing console. One `state`; every change goes through `changed()`, which redraws the
// page and decides (from the state alone) whether a QR code may be asked for.

const KEY_SLOT = "wa.console.key";
const QR_REFRESH_MS = 15000; // while pairing; WhatsApp rotates its QR codes every 20-60 s
const QR_RETRY_MS = 2000; // the QR may not be ready yet right after pairing starts
const STREAM_BACKOFF_MS = [1000, 2000, 5000, 10000, 30000];

const state = {
  key: sessionStorage.getItem(KEY_SLOT) || "",
  sessions: new Map(), // id -> {id, name, status, phone_number, push_name, method, live}
  selected: null,
  pairingCodes: new Map(), // id -> code, in memory only
  stream: null, // AbortController of the event stream
};

const $ = (id) => document.getElementById(id);

// ---- HTTP ------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function api(method, path, body) {
  const key = state.key;
  const headers = { Authorization: `Bearer ${key}`, Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const resp = await fetch(path, {
    method, headers, cache: "no-store", body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = resp.headers.get("Content-Type")?.includes("json") ? await resp.json() : null;
  if (state.key !== key) throw new ApiError(0, "signed_out", "Signed out meanwhile.");
  if (resp.ok) return data;
  const err = data?.error || {};
  if (resp.status === 401 && state.key) signOut("The key was not accepted. Sign in again.");
  const code = err.code || `http_${resp.status}`;
  throw new ApiError(resp.status, code, err.message || resp.statusText);
}

// ---- the live event stream (fetch streaming: the key travels in a header, not a URL) ----

// Session status after each event type; the same rules as the store's projection.
const APPLY = {
  "session.created": (p) => ({ name: p.name, status: "new" }),
  "session.pairing_started": (p) => ({ status: "pairing", method: p.method, pairing_failure: null }),
  "session.pairing_failed": (p) => ({ status: "pairing_failed", pairing_failure: p.reason }),
  "session.connected": (p) => ({
    status: "connected", phone_number: p.phone_number, push_name: p.push_name ?? null,
  }),
  "session.disconnected": (p) => ({ status: p.will_retry ? "reconnecting" : "needs_attention" }),
  "session.logged_out": (p) => ({ status: p.reason === "banned" ? "banned" : "logged_out" }),
};

function applyEvent(envelope) {
  if (envelope.type === "session.deleted") {
    state.sessions.delete(envelope.session);
    if (state.selected === envelope.session) state.selected = null;
    return changed();
  }
  const rule = APPLY[envelope.type];
  if (!rule) return;
  const before = state.sessions.get(envelope.session) || { id: envelope.session, name: "" };
  const after = { ...before, ...rule(envelope.payload || {}), live: true };
  if (after.status !== "pairing") state.pairingCodes.delete(after.id);
  state.sessions.set(after.id, after);
  if (before.status && before.status !== after.status) {
    $("announce").textContent = `${after.name || after.id} is now ${label(after.status)}.`;
  }
  changed();
}

async function followEvents(signal) {
  let lastEventId = null;
  for (let attempt = 0; !signal.aborted; attempt++) {
    try {
      const headers = { Authorization: `Bearer ${state.key}`, Accept: "text/event-stream" };
      if (lastEventId) headers["Last-Event-ID"] = lastEventId;
      const resp = await fetch("/v1/events", { headers, signal, cache: "no-store" });
      if (resp.status === 401) return signOut("The key was not accepted. Sign in again.");
      if (!resp.ok || !resp.body) throw new Error(`events: HTTP ${resp.status}`);
      attempt = 0;
      setLive("live", "Live");
      if (!lastEventId) loadSessions(); // after the stream is open, so nothing falls between
      await readEvents(resp.body, (ev) => {
        if (ev.id) lastEventId = ev.id;
        applyEvent(JSON.parse(ev.data));
      });
    } catch (err) {
      if (signal.aborted) return;
      console.warn(err);
    }
    setLive("reconnecting", "Reconnecting…");
    const delay = STREAM_BACKOFF_MS[Math.min(attempt, STREAM_BACKOFF_MS.length - 1)];
    await new Promise((done) => setTimeout(done, delay));
  }
}

async function readEvents(body, dispatch) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let event = { id: null, data: [] };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    const lines = buffer.split("\n");
    buffer = lines.pop();
    for (const raw of lines) {
      const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
      if (line === "") {
        if (event.data.length) dispatch({ id: event.id, data: event.data.join("\n") });
        event = { id: null, data: [] };
      } else if (!line.startsWith(":")) {
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const text = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "data") event.data.push(text);
        else if (field === "id") event.id = text;
      }
    }
  }
}

// ---- the QR code: asked for only while the selected session is pairing by QR -------------

const qr = { session: null, timer: null, abort: null, url: null };

function wantsQr(session) {
  return Boolean(session) && session.status === "pairing" && session.method !== "phone";
}

function syncQr() {
  const session = state.sessions.get(state.selected);
  if (!wantsQr(session)) return stopQr();
  if (qr.session !== session.id) {
    stopQr();
    qr.session = session.id;
    fetchQr(session.id);
  }
}

function stopQr() {
  clearTimeout(qr.timer);
  qr.abort?.abort();
  if (qr.url) URL.revokeObjectURL(qr.url);
  Object.assign(qr, { session: null, timer: null, abort: null, url: null });
  $("qr-image").removeAttribute("src");
  $("qr").hidden = true;
  $("qr-wait").hidden = true;
}

async function fetchQr(id) {
  // Checked at the moment of asking, so a timer can never ask for a connected session's QR.
  if (qr.session !== id || !wantsQr(state.sessions.get(id))) return;
  qr.abort = new AbortController();
  let next = QR_RETRY_MS;
  try {
    const resp = await fetch(`/v1/sessions/${encodeURIComponent(id)}/qr`, {
      headers: { Authorization: `Bearer ${state.key}`, Accept: "image/png" },
      cache: "no-store", signal: qr.abort.signal,
    });
    if (resp.ok) {
      const blob = await resp.blob();
      if (qr.session !== id) return;
      if (qr.url) URL.revokeObjectURL(qr.url);
      qr.url = URL.createObjectURL(blob);
      $("qr-image").src = qr.url;
      $("qr").hidden = false;
      $("qr-wait").hidden = true;
      next = QR_REFRESH_MS;
    } else if (qr.session === id) {
      $("qr-wait").hidden = !$("qr").hidden;
    }
  } catch (err) {
    if (err.name === "AbortError") return;
  }
  if (qr.session === id) qr.timer = setTimeout(() => fetchQr(id), next);
}

// ---- drawing -----------------------------------------------------------------------------

const LABELS = {
  new: "new", pairing: "pairing", pairing_failed: "pairing failed", connected: "connected",
  reconnecting: "reconnecting",
  needs_attention: "needs attention", logged_out: "logged out", banned: "banned",
};
const PAIRING_FAILURES = {
  codes_exhausted: "every QR code expired unscanned",
  connect_failed: "WhatsApp could not be reached",
  cancelled: "the phone or WhatsApp cancelled it",
  client_outdated: "WhatsApp refuses this client version (upgrade needed)",
  timeout: "no QR code came in time",
};
const label = (status) => LABELS[status] || status || "unknown";

function badge(status) {
  const span = document.createElement("span");
  span.className = `badge status-${status}`;
  span.textContent = label(status);
  return span;
}

function changed() {
  render();
  syncQr();
}

function render() {
  const signedIn = Boolean(state.key);
  $("sign-in").hidden = signedIn;
  $("console").hidden = !signedIn;
  $("sign-out").hidden = !signedIn;
  const rows = [...state.sessions.values()].sort((a, b) => a.id.localeCompare(b.id));
  const focused = document.activeElement?.closest("#sessions tr")?.dataset.session;
  $("no-sessions").hidden = rows.length > 0;
  $("sessions").replaceChildren(...rows.map(sessionRow));
  const again = focused && $("sessions").querySelector(`tr[data-session="${CSS.escape(focused)}"]`);
  again?.querySelector("button").focus();
  renderDetail(state.sessions.get(state.selected));
}

function sessionRow(session) {
  const row = document.createElement("tr");
  row.dataset.session = session.id;
  if (session.id === state.selected) row.setAttribute("aria-current", "true");
  const open = document.createElement("button");
  open.type = "button";
  open.className = "link";
  open.textContent = session.name || session.id;
  open.addEventListener("click", () => { state.selected = session.id; changed(); });
  const cells = [open, badge(session.status), document.createTextNode(session.phone_number || "—")];
  row.replaceChildren(...cells.map((node) => {
    const cell = document.createElement("td");
    cell.append(node);
    return cell;
  }));
  return row;
}

function renderDetail(session) {
  $("detail").hidden = !session;
  if (!session) return;
  const status = session.status;
  $("detail-title").textContent = session.name || session.id;
  $("detail-status").replaceWith(Object.assign(badge(status), { id: "detail-status" }));
  $("detail-phone").textContent = session.phone_number
    ? `${session.phone_number}${session.push_name ? ` (${session.push_name})` : ""}` : "—";
  $("detail-id").textContent = session.id;
  $("pair-actions").hidden = !["new", "pairing_failed", "logged_out"].includes(status);
  const failure = status === "pairing_failed" ? session.pairing_failure : null;
  $("pairing-failure").hidden = !failure;
  $("pairing-failure").textContent = failure
    ? `The last pairing failed: ${PAIRING_FAILURES[failure] || failure}. Pair again.` : "";
  const code = state.pairingCodes.get(session.id);
  $("pairing-code").hidden = !(status === "pairing" && code);
  $("pairing-code-value").textContent = code || "";
  $("live-actions").hidden = !["connected", "reconnecting", "needs_attention"].includes(status);
  $("reconnect").hidden = status !== "needs_attention";
}

function setLive(kind, text) {
  $("live").dataset.state = kind;
  $("live").textContent = text;
}

// ---- actions -----------------------------------------------------------------------------

function mergeSnapshot(items) {
  for (const item of items) {
    const known = state.sessions.get(item.id);
    // A live event is newer than any snapshot taken before it arrived.
    state.sessions.set(item.id, known?.live ? { ...item, ...known } : { ...known, ...item });
  }
}

async function loadSessions() {
  try {
    mergeSnapshot((await api("GET", "/v1/sessions")).items);
    changed();
  } catch (err) {
    $("create-error").textContent = `Could not list sessions: ${err.message}`;
  }
}

function startConsole() {
  state.stream?.abort();
  state.stream = new AbortController();
  followEvents(state.stream.signal); // lists the sessions again once the stream is open
  loadSessions(); // at once, so the list shows even while the stream is unavailable
  changed();
}

function signOut(message = "") {
  state.stream?.abort();
  stopQr();
  sessionStorage.removeItem(KEY_SLOT);
  Object.assign(state, { key: "", selected: null, stream: null });
  state.sessions.clear();
  state.pairingCodes.clear();
  setLive("offline", "Offline");
  $("sign-in-error").textContent = message;
  changed();
}

async function attempt(errorId, action) {
  $(errorId).textContent = "";
  try {
    await action();
  } catch (err) {
    $(errorId).textContent = err instanceof ApiError ? `${err.message} (${err.code})` : err.message;
  }
}

function on(id, kind, action, errorId) {
  $(id).addEventListener(kind, (event) => {
    event.preventDefault();
    attempt(errorId, action);
  });
}

const path = (suffix) => `/v1/sessions/${encodeURIComponent(state.selected)}${suffix}`;

on("sign-in-form", "submit", async () => {
  state.key = $("key").value.trim();
  $("key").value = "";
  await api("GET", "/v1/sessions"); // proves the key before keeping it
  sessionStorage.setItem(KEY_SLOT, state.key);
  startConsole();
}, "sign-in-error");

on("create-form", "submit", async () => {
  const created = await api("POST", "/v1/sessions", { name: $("session-name").value.trim() });
  $("session-name").value = "";
  mergeSnapshot([created]);
  state.selected = created.id;
  changed();
}, "create-error");

on("pair-qr", "click", () => api("POST", path("/pair"), { method: "qr" }), "detail-error");

on("pair-phone-form", "submit", async () => {
  const id = state.selected;
  const reply = await api("POST", path("/pair"), { method: "phone", phone: $("pair-phone").value });
  if (reply?.pairing_code) state.pairingCodes.set(id, reply.pairing_code);
  $("pair-phone").value = "";
  changed();
}, "detail-error");

on("logout", "click", () => api("POST", path("/logout")), "detail-error");
on("reconnect", "click", () => api("POST", path("/reconnect")), "detail-error");
$("sign-out").addEventListener("click", () => signOut());

if (state.key) startConsole();
else changed();
