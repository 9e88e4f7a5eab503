// The reply box: a text, a file (uploaded, then sent), optionally quoting a chosen message.
// While the session is not connected every control is disabled and nothing is sent. Each
// send carries an Idempotency-Key, kept until it succeeds, so pressing Send again after a
// network error cannot send the message twice.

import { api, sessionPath } from "../core/api.js";
import { $, announce, attempt } from "../core/dom.js";
import { keepSent } from "./media.js";
import { preview } from "./message.js";

let target = { session: null, chat: null, connected: false, status: "" };
let replyTo = null; // the message being answered
let pending = null; // {key, upload}: kept for a repeat of the same send

const KINDS = [[/^image\/(jpeg|png)$/, "image"], [/^image\/webp$/, "sticker"], [/^video\//, "video"],
  [/^audio\/ogg/, "voice"], [/^audio\//, "audio"]];
const kindOf = (file) => KINDS.find(([re]) => re.test(file.type))?.[1] || "document";

/** Point the box at a chat; `connected` decides whether anything may be sent. */
export function aimComposer(next) {
  if (next.chat !== target.chat || next.session !== target.session) {
    replyTo = null;
    pending = null;
  }
  target = next;
  const off = !next.connected;
  $("composer-controls").disabled = off;
  $("composer-offline").hidden = !off;
  $("composer-offline").textContent = off
    ? `This session is ${next.status.replaceAll("_", " ") || "not connected"}: `
      + "sending is off until it is connected again."
    : "";
  drawReply();
}

export function replyWith(message) {
  replyTo = message;
  pending = null;
  drawReply();
  $("reply-text").focus();
}

function drawReply() {
  $("replying").hidden = !replyTo;
  $("replying-text").textContent = replyTo ? preview(replyTo) : "";
}

async function send() {
  const { session, chat } = target;
  if (!target.connected || !chat) return; // the controls are disabled too: never a request
  const text = $("reply-text").value.trim();
  const file = $("reply-file").files[0];
  if (!text && !file) throw new Error("Write a message or choose a file.");
  pending ||= { key: crypto.randomUUID(), upload: null };
  const body = { to: chat, ...(replyTo ? { reply_to: replyTo.message_id } : {}) };
  if (file) {
    const query = `filename=${encodeURIComponent(file.name)}&session_id=${encodeURIComponent(session)}`;
    pending.upload ||= await api("POST", `/v1/media?${query}`, file);
    body.media = { id: pending.upload.id, kind: kindOf(file), ...(text ? { caption: text } : {}) };
  } else {
    body.text = text;
  }
  const headers = { "Idempotency-Key": pending.key };
  const sent = await api("POST", sessionPath(session, "/messages"), body, headers);
  if (file) keepSent(sent.id, file);
  pending = null;
  replyTo = null;
  $("reply-form").reset();
  drawReply();
  announce("Message queued.");
}

/** React to `message` with `emoji` (replacing our earlier reaction); only while connected. */
export async function react(message, emoji) {
  if (!target.connected) return;
  const path = sessionPath(target.session, `/messages/${encodeURIComponent(message.message_id)}/reaction`);
  await api("PUT", path, { emoji }, { "Idempotency-Key": crypto.randomUUID() });
}

$("reply-form").addEventListener("submit", (event) => {
  event.preventDefault();
  attempt("reply-error", send);
});
$("reply-text").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey) { // Shift+Enter: a new line
    event.preventDefault();
    $("reply-form").requestSubmit();
  }
});
$("reply-text").addEventListener("input", () => { pending = null; });
$("reply-file").addEventListener("change", () => { pending = null; });
$("cancel-reply").addEventListener("click", () => { replyTo = null; drawReply(); });
