// The tenant's sessions as the page knows them: a snapshot from /v1/sessions, kept current by
// the live events with the same rules as the store's projection. Pages subscribe to changes.

import { api } from "../core/api.js";

export const sessions = new Map(); // id -> SessionView (+ reconnect_attempts, live)
const watchers = [];

export const onSessionsChanged = (watcher) => watchers.push(watcher);
export const sessionsChanged = (change = {}) => watchers.forEach((watch) => watch(change));

// Session fields after each event type.
const APPLY = {
  "session.created": (p) => ({ name: p.name, status: "new" }),
  "session.pairing_started": (p) => ({ status: "pairing", method: p.method, pairing_failure: null }),
  "session.pairing_failed": (p) => ({ status: "pairing_failed", pairing_failure: p.reason }),
  "session.connected": (p) => ({
    status: "connected", phone_number: p.phone_number, push_name: p.push_name ?? null,
    reconnect_attempts: 0,
  }),
  "session.disconnected": (p, at) => ({
    status: p.will_retry ? "reconnecting" : "needs_attention", last_disconnect_reason: p.reason,
    last_disconnected_at: at, reconnect_attempts: p.attempt ?? 0, retry_at: p.retry_at ?? null,
  }),
  "session.logged_out": (p, at) => ({
    status: p.reason === "banned" ? "banned" : "logged_out", last_disconnect_reason: p.reason,
    last_disconnected_at: at,
  }),
};

/** Apply one live event; answers the session's status before and after (or null). */
export function applySessionEvent(envelope) {
  if (envelope.type === "session.deleted") {
    sessions.delete(envelope.session);
    sessionsChanged({ deleted: envelope.session });
    return;
  }
  const rule = APPLY[envelope.type];
  if (!rule) return;
  const before = sessions.get(envelope.session) || { id: envelope.session, name: "" };
  const after = { ...before, ...rule(envelope.payload || {}, envelope.occurred_at), live: true };
  sessions.set(after.id, after);
  sessionsChanged({ session: after, was: before.status });
}

export function mergeSessions(items) {
  for (const item of items) {
    const known = sessions.get(item.id);
    // A live event is newer than any snapshot taken before it arrived.
    sessions.set(item.id, known?.live ? { ...item, ...known } : { ...known, ...item });
  }
  sessionsChanged();
}

export async function loadSessions() {
  mergeSessions((await api("GET", "/v1/sessions")).items);
}

export function forgetSessions() {
  sessions.clear();
  sessionsChanged();
}

export const isConnected = (id) => sessions.get(id)?.status === "connected";
