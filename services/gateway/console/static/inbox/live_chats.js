// The chats list kept live: each event is filed under the chat the store keeps it in, and one
// the chat already shows (its `sequence`: the last event it shows) is not applied again.

import { chatWith, messageFrom } from "./model.js";

export const isNew = (type) => type === "message.received" || type === "message.queued";

/** The chat an event is about, keyed as the store keys chats: a person's by their phone JID
 * once known, though their messages may name them by @lid (as WhatsApp now often does). */
export function chatJidOf(chats, p) {
  if (!p.is_group && !p.from_me && p.sender_phone_jid) return p.sender_phone_jid;
  for (const chat of chats.values()) if (chat.lid && chat.lid === p.chat_jid) return chat.jid;
  return p.chat_jid;
}

/** `chats` (jid -> chat) after event `id` (a new message, a read), unless the chat already
 * shows that event; `openJid`: the chat on screen (read as its messages come). */
export function changeChat(chats, envelope, id, openJid) {
  const p = envelope.payload || {};
  const jid = chatJidOf(chats, p);
  const known = chats.get(jid);
  if (known && id <= (known.sequence || 0)) return;
  if (isNew(envelope.type)) {
    const chat = known || { jid, kind: p.is_group ? "group" : "direct",
      name: p.is_group ? null : p.push_name || null };
    const lid = p.is_group ? null : [p.chat_jid, p.sender_lid].find((j) => j?.endsWith("@lid"));
    const m = messageFrom(envelope);
    chats.set(jid, {
      ...chatWith(chat, m, jid === openJid), lid: chat.lid || lid || null, sequence: id,
    }); // the @lid it is also known by: its later messages may name it so alone
  } else if (known) { // chat.read
    chats.set(jid, { ...known, unread_count: 0, sequence: id });
  }
}
