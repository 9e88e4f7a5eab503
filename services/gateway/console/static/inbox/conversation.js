// The open chat's messages, oldest first, with each message's Reply and React buttons. Nodes
// are kept per message and only redrawn when that message changed, so players keep playing.

import { $, attempt, el } from "../core/dom.js";
import { react, replyWith } from "./composer.js";
import { hasLocal } from "./media.js";
import { REACTIONS, messageItem } from "./message.js";
import { oldestFirst } from "./model.js";

const drawn = new Map(); // message id -> {message, quoted, connected, node}
let stick = true; // at the newest message: stay there as messages and pictures come in

const list = $("messages");
const atEnd = () => list.scrollHeight - list.scrollTop - list.clientHeight < 80;
const toEnd = () => { if (stick) list.scrollTop = list.scrollHeight; };
list.addEventListener("scroll", () => { stick = atEnd(); });
list.addEventListener("load", toEnd, true); // a picture loaded: the list grew

/** Show the newest message and stay there (after we sent one). */
export function followNewest() {
  stick = true;
}

export function forgetDrawn() {
  drawn.clear();
  list.replaceChildren();
  stick = true;
}

export function renderConversation(messages, connected, peer = "") {
  const ordered = [...messages.values()].sort(oldestFirst);
  const nodes = ordered.map((m) => node(m, m.reply_to ? messages.get(m.reply_to) : null, connected, peer));
  nodes.forEach((n, i) => { if (list.children[i] !== n) list.insertBefore(n, list.children[i] ?? null); });
  while (list.children.length > nodes.length) list.lastElementChild.remove();
  for (const id of drawn.keys()) if (!messages.has(id)) drawn.delete(id);
  $("no-messages").hidden = nodes.length > 0;
  toEnd();
}

function node(m, quoted, connected, peer) {
  const known = drawn.get(m.message_id);
  const local = hasLocal(m.message_id); // its file, once this tab has it, shows at once
  const same = known && known.message === m && known.quoted === quoted && known.local === local;
  if (same && known.connected === connected && known.peer === peer) return known.node;
  const fresh = messageItem(m, quoted, actions(m, connected), peer);
  known?.node.replaceWith(fresh);
  drawn.set(m.message_id, { message: m, quoted, connected, peer, local, node: fresh });
  return fresh;
}

function actions(m, connected) {
  const disabled = !connected;
  const picker = el("details", { class: `react${disabled ? " off" : ""}` },
    el("summary", { "aria-label": "React to this message", text: "☺" }),
    el("div", { class: "emoji", role: "group", "aria-label": "Reactions" },
      REACTIONS.map((emoji) => el("button", {
        type: "button", disabled, "aria-label": `React with ${emoji}`, text: emoji,
        onclick: (event) => {
          event.currentTarget.closest("details").open = false;
          attempt("reply-error", () => react(m, emoji));
        },
      }))));
  return el("div", { class: "msg-actions" },
    el("button", {
      type: "button", class: "quiet", disabled, "aria-label": "Reply to this message", text: "Reply",
      onclick: () => replyWith(m),
    }),
    picker);
}
