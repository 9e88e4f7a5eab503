// One message as the conversation shows it: every kind, its quote, reactions, edits, a revoke,
// and for our own messages the delivery ticks. Text is always dir="auto" (Arabic reads RTL).

import { clock, el } from "../core/dom.js";
import { mediaNode } from "./media.js";

const TICKS = {
  queued: ["🕓", "Queued"], sent: ["✓", "Sent"], delivered: ["✓✓", "Delivered"],
  read: ["✓✓", "Read"], played: ["✓✓", "Played"], failed: ["!", "Failed"],
};
export const REACTIONS = ["👍", "❤️", "😂", "😮", "😢", "🙏"];

export const preview = (m) => {
  if (!m) return "";
  if (m.revoked_at) return "This message was deleted";
  if (m.text) return m.text;
  if (m.location) return `📍 ${m.location.name || "Location"}`;
  if (m.contact) return `👤 ${m.contact.name}`;
  return { image: "📷 Photo", sticker: "Sticker", video: "🎬 Video", audio: "🎵 Audio",
    voice: "🎤 Voice note", document: "📄 Document" }[m.media?.kind || m.media_kind] || "Message";
};

/** The <li> of `m`; `quoted` the message it replies to (if loaded); `actions` its buttons;
 * `peer` the chat's name (a direct chat's messages from the store carry no push name); in a
 * group each incoming message names its sender. */
export function messageItem(m, quoted, actions, peer = "") {
  const who = author(m, peer);
  const group = !m.from_me && isGroup(m.chat_jid); // many people write here: say who
  return el("li", {
    class: `msg ${m.from_me ? "out" : "in"}${m.revoked_at ? " revoked" : ""}`,
    "data-message": m.message_id, "data-status": m.status, tabindex: "-1",
    "aria-label": `${who}, ${clock(m.sent_at || m.recorded_at)}`,
  },
  group ? el("p", { class: "author", dir: "auto", text: who }) : null,
  m.reply_to ? quote(quoted, peer) : null,
  body(m),
  reactions(m),
  el("p", { class: "meta" },
    m.edited_at && !m.revoked_at ? el("span", { class: "edited", title: earlier(m), text: "edited" }) : null,
    el("time", { datetime: m.sent_at || m.recorded_at, text: clock(m.sent_at || m.recorded_at) }),
    m.from_me ? ticks(m) : null),
  m.revoked_at ? null : actions);
}

function body(m) {
  if (m.revoked_at) return el("p", { class: "gone", text: "This message was deleted." });
  const parts = [];
  if (m.media) parts.push(mediaNode(m));
  if (m.location) parts.push(location(m.location));
  if (m.contact) parts.push(contact(m.contact));
  const text = m.text ?? m.media?.caption;
  if (text) parts.push(el("p", { class: "text", dir: "auto", text }));
  return el("div", { class: "body" }, parts);
}

function quote(quoted, peer) {
  const text = quoted ? preview(quoted) : "A message not shown here";
  const who = quoted ? author(quoted, peer) : "";
  return el("blockquote", { class: "quote", "aria-label": "In reply to" },
    who ? el("strong", { text: who }) : null, el("span", { dir: "auto", text }));
}

function location(loc) {
  const at = `${loc.latitude.toFixed(5)}, ${loc.longitude.toFixed(5)}`;
  const { latitude: lat, longitude: lon } = loc;
  const href = `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=16/${lat}/${lon}`;
  return el("div", { class: "card location" },
    el("strong", { dir: "auto", text: `📍 ${loc.name || "Location"}` }),
    loc.address ? el("span", { dir: "auto", text: loc.address }) : null,
    el("a", { href, rel: "noreferrer noopener", target: "_blank", text: `Open map (${at})` }));
}

function contact(card) {
  return el("div", { class: "card contact" },
    el("strong", { dir: "auto", text: `👤 ${card.name}` }),
    el("a", { href: `tel:${card.phone.replace(/[^+0-9]/g, "")}`, text: card.phone }));
}

function reactions(m) {
  if (!m.reactions?.length) return null;
  const counts = new Map();
  for (const r of m.reactions) counts.set(r.emoji, (counts.get(r.emoji) || 0) + 1);
  return el("ul", { class: "reactions", "aria-label": "Reactions" },
    [...counts].map(([emoji, n]) => el("li", { text: n > 1 ? `${emoji} ${n}` : emoji })));
}

function ticks(m) {
  const [mark, label] = TICKS[m.status] || ["", m.status];
  let said = label;
  if (m.status === "failed") said = `Failed: ${m.last_error || "unknown"} after ${m.attempts} attempt(s)`;
  else if (m.last_error && m.status === "queued") said = `Retrying (attempt ${m.attempts}): ${m.last_error}`;
  return el("span", { class: `ticks tick-${m.status}`, title: said, "aria-label": said },
    el("span", { "aria-hidden": "true", text: mark }),
    m.status === "failed" || m.last_error ? el("span", { class: "why", text: said }) : null);
}

// A sender's name as their live messages carried it, for their messages the store gave (which
// carry none); this tab's only, forgotten at sign-out.
const names = new Map();
export const forgetNames = () => names.clear();
/** Keep the name a live message carried (any chat, open or not). */
export function rememberName(m) {
  if (m.push_name && m.sender_jid) names.set(m.sender_jid, m.push_name);
}
const isGroup = (jid) => Boolean(jid?.endsWith("@g.us"));
const author = (m, peer) => (m.from_me ? "You"
  : m.push_name || names.get(m.sender_jid) || peer || phoneOf(m.sender_jid));
const earlier = (m) => (m.earlier_texts || []).map((e) => `Was: ${e.text ?? ""}`).join("\n");
export const phoneOf = (jid) => (jid ? `+${jid.split("@")[0].split(":")[0]}` : "");
