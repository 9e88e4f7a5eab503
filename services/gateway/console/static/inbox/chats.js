// The chats list: newest first, each a link with its name, last message and unread count.
// Arrow keys move between chats (one tab stop for the list).

import { $, clock, el } from "../core/dom.js";
import { phoneOf, preview } from "./message.js";
import { newestFirst } from "./model.js";

export const chatName = (chat) => chat.name || (chat.kind === "group" ? "Group" : phoneOf(chat.jid));

export function renderChats(session, chats, openJid) {
  const list = $("chats");
  const focused = document.activeElement?.closest("#chats li")?.dataset.chat;
  const rows = [...chats.values()].sort(newestFirst);
  $("no-chats").hidden = rows.length > 0;
  list.replaceChildren(...rows.map((chat) => chatRow(session, chat, chat.jid === openJid)));
  const tabStop = list.querySelector(`li[data-chat="${CSS.escape(focused || openJid || "")}"] a`)
    || list.querySelector("a");
  tabStop?.setAttribute("tabindex", "0");
  if (focused) tabStop?.focus();
}

const lastLine = (m) => (m ? `${m.from_me ? "You: " : ""}${preview(m)}` : "");

function chatRow(session, chat, open) {
  const unread = chat.unread_count || 0;
  const last = chat.last_message;
  const link = el("a", {
    href: `#inbox/${encodeURIComponent(session)}/${encodeURIComponent(chat.jid)}`,
    tabindex: "-1", "aria-current": open ? "true" : null,
  },
  el("span", { class: "chat-name", dir: "auto", text: chatName(chat) }),
  el("time", { class: "chat-time", datetime: chat.last_activity_at, text: clock(chat.last_activity_at) }),
  el("span", { class: "chat-last", dir: "auto", text: lastLine(last) }),
  unread ? el("span", { class: "unread", "aria-label": `${unread} unread`, text: String(unread) }) : null);
  return el("li", { "data-chat": chat.jid, "data-unread": String(unread) }, link);
}

$("chats").addEventListener("keydown", (event) => {
  const links = [...$("chats").querySelectorAll("a")];
  const at = links.indexOf(document.activeElement);
  const to = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: links.length - 1 }[event.key];
  if (at < 0 || to === undefined || !links[to]) return;
  event.preventDefault();
  links[at].setAttribute("tabindex", "-1");
  links[to].setAttribute("tabindex", "0");
  links[to].focus();
});
