// How the live events change a message and a chat: the store's projection rules, applied in
// the page so the inbox moves the moment an event arrives. Pure functions, no DOM.

const RANK = { queued: 0, failed: 0, sent: 1, delivered: 2, read: 3, played: 4, received: 0 };

/** A new message (as GET …/messages shows one) from message.received or message.queued. */
export function messageFrom(envelope) {
  const p = envelope.payload;
  const base = {
    message_id: p.message_id, session: envelope.session, chat_jid: p.chat_jid,
    text: p.text || null, media: p.media ?? null, location: p.location ?? null,
    contact: p.contact ?? null, reactions: [], earlier_texts: [], attempts: 0,
    recorded_at: envelope.occurred_at, updated_at: envelope.occurred_at,
  };
  if (envelope.type === "message.queued") {
    return { ...base, from_me: true, status: "queued", reply_to: p.quote?.message_id ?? null,
      media_kind: p.media?.kind ?? null, sent_at: null, reminder_id: p.reminder_id ?? null };
  }
  return { ...base, from_me: Boolean(p.from_me), status: "received", reply_to: p.reply_to ?? null,
    sender_jid: p.sender_jid, sender_lid: p.sender_lid ?? null, push_name: p.push_name ?? null,
    media_kind: p.media_kind ?? null, media_status: p.media_status ?? null, sent_at: p.sent_at };
}

const forward = (m, status) => ((RANK[status] ?? 0) > (RANK[m.status] ?? 0) ? status : m.status);

// The message's fields after each event about it.
const CHANGES = {
  "message.sent": (m, p, at) => ({
    status: forward(m, "sent"), attempts: Math.max(m.attempts || 0, p.attempt || 1),
    sent_at: m.sent_at || at, last_error: null,
  }),
  "message.send_failed": (m, p) => ({
    attempts: Math.max(m.attempts || 0, p.attempt), last_error: p.error,
    status: p.will_retry || RANK[m.status] > 0 ? m.status : "failed",
    next_attempt_at: p.next_attempt_at ?? null,
  }),
  "message.status": (m, p) => ({ status: forward(m, p.status) }),
  "message.media_stored": (m, p) => ({
    media_status: "stored", media: { ...m.media, size: p.size, mime: p.mime },
  }),
  "message.media_failed": (_m, p) => ({ media_status: "failed", media_error: p.reason }),
  "message.reacted": (m, p) => {
    const others = (m.reactions || []).filter((r) => r.sender_jid !== p.sender_jid);
    const reaction = { sender_jid: p.sender_jid, from_me: p.from_me, emoji: p.emoji, at: p.reacted_at };
    const mine = p.emoji ? [reaction] : []; // "": the sender took theirs back
    return { reactions: [...others, ...mine] };
  },
  // An edit the message already shows (read in a snapshot after it) is not applied again.
  "message.edited": (m, p) => (m.revoked_at || time(p.edited_at) <= time(m.edited_at) ? {} : {
    earlier_texts: [...(m.earlier_texts || []), { text: m.text, replaced_at: p.edited_at }],
    text: p.text, edited_at: p.edited_at,
  }),
  "message.revoked": (_m, p) => ({ revoked_at: p.revoked_at }),
};

/** The message after `envelope` (an event about it), or null if the event is not one. */
export function changedMessage(message, envelope) {
  const change = CHANGES[envelope.type];
  if (!change) return null;
  return { ...message, ...change(message, envelope.payload, envelope.occurred_at),
    updated_at: envelope.occurred_at };
}

export const isMessageEvent = (type) => type in CHANGES;

/** The chat after a new message in it; `open`: the chat is on screen (read as it comes). */
export function chatWith(chat, message, open) {
  const incoming = !message.from_me && message.status === "received";
  return {
    ...chat,
    last_message: message,
    last_activity_at: message.sent_at || message.recorded_at,
    unread_count: (chat.unread_count || 0) + (incoming && !open ? 1 : 0),
  };
}

const time = (iso) => (iso ? Date.parse(iso) : 0);
export const newestFirst = (a, b) => time(b.last_activity_at) - time(a.last_activity_at);
export const oldestFirst = (a, b) =>
  time(a.sent_at || a.recorded_at) - time(b.sent_at || b.recorded_at);
