// The sessions page: the list with live status, one session's facts, pairing (QR or phone
// code) and the actions on a live session.

import { api, onSignOut, sessionPath } from "../core/api.js";
import { $, announce, clock, el, on } from "../core/dom.js";
import { stopQr, syncQr } from "./qr.js";
import { mergeSessions, onSessionsChanged, sessions } from "./state.js";

const view = { selected: null, pairingCodes: new Map() }; // codes: id -> code, in memory only

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
export const statusLabel = (status) => LABELS[status] || status || "unknown";

export function badge(status, id = undefined) {
  return el("span", { class: `badge status-${status}`, id, text: statusLabel(status) });
}

function render() {
  const rows = [...sessions.values()].sort((a, b) => a.id.localeCompare(b.id));
  const focused = document.activeElement?.closest("#sessions tr")?.dataset.session;
  $("no-sessions").hidden = rows.length > 0;
  $("sessions").replaceChildren(...rows.map(sessionRow));
  const again = focused && $("sessions").querySelector(`tr[data-session="${CSS.escape(focused)}"]`);
  again?.querySelector("button").focus();
  if (view.selected && !sessions.has(view.selected)) view.selected = null;
  renderDetail(sessions.get(view.selected));
  syncQr(view.selected);
}

function sessionRow(session) {
  const open = el("button", {
    type: "button", class: "link", text: session.name || session.id,
    onclick: () => { view.selected = session.id; render(); },
  });
  const cells = [open, badge(session.status), document.createTextNode(session.phone_number || "—")];
  return el("tr", {
    "data-session": session.id, "aria-current": session.id === view.selected ? "true" : null,
  }, cells.map((node) => el("td", {}, node)));
}

function renderDetail(session) {
  $("detail").hidden = !session;
  if (!session) return;
  const status = session.status;
  $("detail-title").textContent = session.name || session.id;
  $("detail-status").replaceWith(badge(status, "detail-status"));
  $("detail-phone").textContent = session.phone_number
    ? `${session.phone_number}${session.push_name ? ` (${session.push_name})` : ""}` : "—";
  $("detail-id").textContent = session.id;
  const reason = session.last_disconnect_reason;
  const at = session.last_disconnected_at ? ` at ${clock(session.last_disconnected_at)}` : "";
  $("detail-disconnect").textContent = reason ? `${reason.replaceAll("_", " ")}${at}` : "—";
  $("detail-attempts").textContent = String(session.reconnect_attempts ?? 0);
  $("pair-actions").hidden = !["new", "pairing_failed", "logged_out"].includes(status);
  const failure = status === "pairing_failed" ? session.pairing_failure : null;
  $("pairing-failure").hidden = !failure;
  $("pairing-failure").textContent = failure
    ? `The last pairing failed: ${PAIRING_FAILURES[failure] || failure}. Pair again.` : "";
  const code = view.pairingCodes.get(session.id);
  $("pairing-code").hidden = !(status === "pairing" && code);
  $("pairing-code-value").textContent = code || "";
  $("live-actions").hidden = !["connected", "reconnecting", "needs_attention"].includes(status);
  $("reconnect").hidden = status !== "needs_attention";
  $("open-inbox").href = `#inbox/${encodeURIComponent(session.id)}`;
}

onSessionsChanged(({ session, was }) => {
  if (session && was && was !== session.status) {
    if (session.status !== "pairing") view.pairingCodes.delete(session.id);
    announce(`${session.name || session.id} is now ${statusLabel(session.status)}.`);
  }
  render();
});

onSignOut(() => {
  stopQr();
  view.selected = null;
  view.pairingCodes.clear();
});

const selected = (suffix) => sessionPath(view.selected, suffix);

on("create-form", "submit", async () => {
  const created = await api("POST", "/v1/sessions", { name: $("session-name").value.trim() });
  $("session-name").value = "";
  view.selected = created.id;
  mergeSessions([created]);
}, "create-error");

on("pair-qr", "click", () => api("POST", selected("/pair"), { method: "qr" }), "detail-error");

on("pair-phone-form", "submit", async () => {
  const id = view.selected;
  const reply = await api("POST", selected("/pair"), { method: "phone", phone: $("pair-phone").value });
  if (reply?.pairing_code) view.pairingCodes.set(id, reply.pairing_code);
  $("pair-phone").value = "";
  render();
}, "detail-error");

on("logout", "click", () => api("POST", selected("/logout")), "detail-error");
on("reconnect", "click", () => api("POST", selected("/reconnect")), "detail-error");
