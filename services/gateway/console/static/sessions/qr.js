// The QR code: asked for only while the shown session is pairing by QR, never for a live one.

import { apiBlob, sessionPath } from "../core/api.js";
import { $ } from "../core/dom.js";
import { sessions } from "./state.js";

const QR_REFRESH_MS = 15000; // while pairing; WhatsApp rotates its QR codes every 20-60 s
const QR_RETRY_MS = 2000; // the QR may not be ready yet right after pairing starts

const qr = { session: null, timer: null, abort: null, url: null };

export function wantsQr(session) {
  return Boolean(session) && session.status === "pairing" && session.method !== "phone";
}

/** Show the QR of `id` if (and only if) that session is pairing by QR now. */
export function syncQr(id) {
  const session = sessions.get(id);
  if (!wantsQr(session)) return stopQr();
  if (qr.session !== session.id) {
    stopQr();
    qr.session = session.id;
    fetchQr(session.id);
  }
}

export function stopQr() {
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
  if (qr.session !== id || !wantsQr(sessions.get(id))) return;
  qr.abort = new AbortController();
  let next = QR_RETRY_MS;
  try {
    const blob = await apiBlob(sessionPath(id, "/qr"), "image/png", qr.abort.signal);
    if (qr.session !== id) return;
    if (qr.url) URL.revokeObjectURL(qr.url);
    qr.url = URL.createObjectURL(blob);
    $("qr-image").src = qr.url;
    $("qr").hidden = false;
    $("qr-wait").hidden = true;
    next = QR_REFRESH_MS;
  } catch (err) {
    if (err.name === "AbortError") return;
    if (qr.session === id) $("qr-wait").hidden = !$("qr").hidden;
  }
  if (qr.session === id) qr.timer = setTimeout(() => fetchQr(id), next);
}
