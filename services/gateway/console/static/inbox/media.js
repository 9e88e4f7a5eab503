// The files of messages, fetched with the key in a header and shown from blob: URLs (an <img>
// or <audio src> cannot send headers). One node per message, kept across redraws, so a
// playing voice note is not restarted by a new reaction.

import { apiBlob, sessionPath } from "../core/api.js";
import { el, errorText } from "../core/dom.js";
import { lastEventId } from "../core/events.js";

const nodes = new Map(); // message id -> {key, node}
const urls = new Set();
const sentHere = new Map(); // message id -> blob: URL of a file this tab sent
const keptHooks = [];

/** `hook(messageId)` runs when a file this tab sent is kept (its message may be drawn). */
export const onKeptSent = (hook) => keptHooks.push(hook);
export const hasLocal = (messageId) => sentHere.has(messageId);

export function keepSent(messageId, file) {
  const url = URL.createObjectURL(file);
  urls.add(url);
  sentHere.set(messageId, url);
  for (const hook of keptHooks) hook(messageId);
}

export function forgetMedia() {
  for (const url of urls) URL.revokeObjectURL(url);
  urls.clear();
  nodes.clear();
  sentHere.clear();
}

const KIND_LABELS = {
  image: "Photo", sticker: "Sticker", video: "Video", audio: "Audio", voice: "Voice note",
  document: "Document",
};

/** The file of `message` as a node: the player, picture or download link once fetched. */
export function mediaNode(message) {
  const media = message.media;
  const local = sentHere.get(message.message_id);
  const state = local ? "local" : message.media_status || "none";
  const known = nodes.get(message.message_id);
  if (known?.key === state) return known.node;
  const box = el("div", { class: `media media-${media.kind}`, "data-kind": media.kind });
  nodes.set(message.message_id, { key: state, node: box });
  const label = KIND_LABELS[media.kind] || "File";
  const note = (kind, text) => box.append(el("p", { class: kind, text }));
  if (local) show(box, media, local);
  else if (state === "stored") load(box, message);
  else if (state === "pending") note("hint", `${label}: downloading…`);
  else if (state === "failed") note("error", `The file could not be kept (${message.media_error}).`);
  else note("hint", media.filename ? `${label}: ${media.filename}` : label);
  return box;
}

const minutes = (s) => `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, "0")}`;

async function load(box, message) {
  box.append(el("p", { class: "hint", text: "Loading…" }));
  try {
    const id = encodeURIComponent(message.message_id);
    // The page may know the file is kept (message.media_stored) before the store has applied
    // that event: the read waits for it, so it answers with the file rather than a 409.
    const seen = lastEventId();
    const query = seen ? `?after_event=${seen}` : "";
    const path = sessionPath(message.session, `/messages/${id}/media${query}`);
    const url = URL.createObjectURL(await apiBlob(path));
    urls.add(url);
    show(box, message.media, url);
  } catch (err) {
    const text = `The file could not be loaded: ${errorText(err)}`;
    box.replaceChildren(el("p", { class: "error", text }));
  }
}

function show(box, media, url) {
  const label = KIND_LABELS[media.kind] || "File";
  const name = media.filename || `${label.toLowerCase()}`;
  let node;
  if (media.kind === "image" || media.kind === "sticker") {
    const alt = media.caption ? `${label}: ${media.caption}` : label;
    node = el("img", { src: url, alt, loading: "lazy" });
  } else if (media.kind === "video") {
    node = el("video", { src: url, controls: true, preload: "metadata", "aria-label": label });
  } else if (media.kind === "audio" || media.kind === "voice") {
    const length = media.duration_s ? ` · ${minutes(media.duration_s)}` : "";
    node = el("figure", {},
      el("figcaption", { text: `${label}${length}` }),
      el("audio", { src: url, controls: true, preload: "metadata", "aria-label": label }));
  } else {
    const size = media.size ? ` (${Math.ceil(media.size / 1024)} KB)` : "";
    node = el("a", { href: url, download: name, class: "download", text: `Download ${name}${size}` });
  }
  box.replaceChildren(node);
}
