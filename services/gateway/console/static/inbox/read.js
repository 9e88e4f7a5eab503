// Marking the open chat read: one request when it opens (if anything is unread), then at most
// one per READ_SPACING_MS while messages keep arriving; never while the session is down. The
// API paces the receipts themselves; this keeps the page from asking more often than useful.

import { api, sessionPath } from "../core/api.js";
import { isConnected } from "../sessions/state.js";

const READ_SPACING_MS = 3000;
const read = { busy: false, timer: null, again: null };

/** Mark `jid` read if `unread` (and the session is connected); true if it will be. */
export function markRead(session, jid, unread) {
  if (!jid || !isConnected(session) || !(unread > 0)) return false;
  if (read.busy || read.timer) read.again = { session, jid };
  else send(session, jid);
  return true;
}

async function send(session, jid) {
  read.busy = true;
  try {
    await api("POST", sessionPath(session, `/chats/${encodeURIComponent(jid)}/read`));
  } catch (err) {
    console.warn(err); // the unread count stays: the next open or message asks again
  } finally {
    read.busy = false;
    read.timer = setTimeout(() => {
      read.timer = null;
      const again = read.again;
      read.again = null;
      if (again && isConnected(again.session)) send(again.session, again.jid); // still up?
    }, READ_SPACING_MS);
  }
}

export function stopReading() {
  clearTimeout(read.timer);
  Object.assign(read, { timer: null, again: null });
}
