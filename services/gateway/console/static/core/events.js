// The tenant's live events (/v1/events). EventSource cannot send headers, so this is fetch
// streaming: the key travels in a header, never in a URL. After a drop the stream resumes
// with Last-Event-ID, so nothing is missed and nothing needs reloading.

import { auth, signOut } from "./api.js";
import { $ } from "./dom.js";

const BACKOFF_MS = [1000, 2000, 5000, 10000, 30000];
const listeners = []; // (envelope) => void
const openers = []; // () => void: the stream opened afresh (not a resume): load snapshots
let stream = null; // AbortController
let seen = ""; // the id of the last event received (its stream sequence), "" before any

export const onEvent = (listener) => listeners.push(listener);
export const onFreshStream = (opener) => openers.push(opener);
/** The last event's id: a list read `after_event` it includes what that event changed ("" for
 * none, also for a stream that opened on an empty log: its id 0 names no event). */
export const lastEventId = () => (seen === "0" ? "" : seen);

export function startEvents() {
  stopEvents();
  stream = new AbortController();
  follow(stream.signal);
}

export function stopEvents() {
  stream?.abort();
  stream = null;
  seen = "";
  setLive("offline", "Offline");
}

async function follow(signal) {
  for (let attempt = 0; !signal.aborted; attempt++) {
    try {
      const headers = { Authorization: `Bearer ${auth.key}`, Accept: "text/event-stream" };
      if (seen) headers["Last-Event-ID"] = seen;
      const resp = await fetch("/v1/events", { headers, signal, cache: "no-store" });
      if (resp.status === 401) return signOut("The key was not accepted. Sign in again.");
      if (!resp.ok || !resp.body) throw new Error(`events: HTTP ${resp.status}`);
      attempt = 0;
      setLive("live", "Live");
      await readEvents(resp.body, (ev) => {
        const fresh = !seen;
        if (ev.id) seen = ev.id; // also an id alone: where the stream began, so a drop
        // Opened afresh: the snapshots are read now, after_event its opening id, so they show
        // everything before what the stream brings (no gap).
        if (fresh && seen) for (const opener of openers) opener();
        if (ev.data === null) return; // before the first event resumes from there
        const envelope = JSON.parse(ev.data);
        for (const listener of listeners) listener(envelope, Number(ev.id));
      });
    } catch (err) {
      if (signal.aborted) return;
      console.warn(err);
    }
    setLive("reconnecting", "Reconnecting…");
    const delay = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)];
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
        else if (event.id) dispatch({ id: event.id, data: null });
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

function setLive(kind, text) {
  $("live").dataset.state = kind;
  $("live").textContent = text;
}
