// The inbox: a session's chats and the open conversation, kept live by the event stream;
// opening a chat marks it read. The hash says what is open: #inbox/<session>/<chat>.

import { api, onSignOut, sessionPath } from "../core/api.js";
import { $, announce, errorText } from "../core/dom.js";
import { lastEventId, onEvent, onFreshStream } from "../core/events.js";
import { onShow } from "../core/sections.js";
import { fillSessions } from "../sessions/picker.js";
import { isConnected, onSessionsChanged, sessions } from "../sessions/state.js";
import { chatName, renderChats } from "./chats.js";
import { aimComposer } from "./composer.js";
import { followNewest, forgetDrawn, renderConversation } from "./conversation.js";
import { forgetMedia, onKeptSent } from "./media.js";
import { forgetNames, rememberName } from "./message.js";
import { changeChat, chatJidOf, isNew } from "./live_chats.js";
import { changedMessage, isMessageEvent, messageFrom } from "./model.js";
import { markRead, stopReading } from "./read.js";

const PAGE = 200; // the API's largest page
const RETRY_MS = 2000;
const LOAD_FAILED = "Could not load the messages";
const inbox = { session: null, chat: null, chats: new Map(), messages: new Map(), shown: false };
// The chat events that arrived while the chats were being read: applied again to what the read
// answered (each chat says the last event it shows, so none counts twice).
let arriving = null; // [[envelope, id], …] while a read is on its way

const connected = () => isConnected(inbox.session);

function render() {
  if (!inbox.shown) return;
  fillSessions($("inbox-session"), inbox.session);
  $("no-inbox-session").hidden = sessions.size > 0;
  renderChats(inbox.session, inbox.chats, inbox.chat);
  const chat = inbox.chats.get(inbox.chat);
  $("inbox").dataset.view = inbox.chat ? "conversation" : "chats";
  $("conversation").hidden = !inbox.chat;
  $("back-to-chats").href = `#inbox/${encodeURIComponent(inbox.session || "")}`;
  $("conversation-title").textContent = chat ? chatName(chat) : inbox.chat || "";
  const peer = chat && chat.kind !== "group" ? chat.name || "" : "";
  renderConversation(inbox.messages, connected(), peer);
  const status = sessions.get(inbox.session)?.status || "";
  aimComposer({ session: inbox.session, chat: inbox.chat, connected: connected(), status });
}

async function show([session, chat]) {
  inbox.shown = true;
  const wanted = session || inbox.session || pickSession();
  if (wanted !== inbox.session) {
    Object.assign(inbox, { session: wanted, chat: null });
    inbox.chats.clear();
    if (wanted) loadChats(wanted);
  }
  if ((chat || null) !== inbox.chat) openChat(chat || null);
  render();
}

function pickSession() {
  const all = [...sessions.values()];
  return (all.find((s) => s.status === "connected") || all[0])?.id || null;
}

const afterEvent = () => (lastEventId() ? `&after_event=${lastEventId()}` : "");

async function loadChats(session) {
  const since = [];
  arriving = since; // a later read supersedes this one
  try {
    const page = await api("GET", sessionPath(session, `/chats?limit=${PAGE}${afterEvent()}`));
    if (session !== inbox.session || arriving !== since) return;
    for (const chat of page.items) inbox.chats.set(chat.jid, chat); // it shows all seen so far
    for (const [envelope, id] of since) changeChat(inbox.chats, envelope, id, inbox.chat); // after
    $("chats-error").textContent = "";
    if (inbox.chat) readOpenChat();
    render();
  } catch (err) {
    $("chats-error").textContent = `Could not list the chats: ${errorText(err)}`;
    soonAgain(err, () => inbox.session === session && arriving === null && loadChats(session));
  } finally {
    if (arriving === since) arriving = null;
  }
}

/** A read the API could not answer now (503: the store is behind or away): again in a while,
 * if it is still wanted then. */
function soonAgain(err, again) {
  if (err.status === 503) setTimeout(() => inbox.shown && again(), RETRY_MS);
}

function openChat(jid) {
  stopReading();
  forgetDrawn();
  inbox.messages.clear();
  inbox.chat = jid;
  if (!jid) return;
  loadMessages(inbox.session, jid);
  readOpenChat();
}

function readOpenChat() {
  const chat = inbox.chats.get(inbox.chat);
  if (chat && markRead(inbox.session, chat.jid, chat.unread_count)) {
    inbox.chats.set(chat.jid, { ...chat, unread_count: 0 });
  }
}

async function loadMessages(session, jid) {
  try {
    const query = `?chat=${encodeURIComponent(jid)}&limit=${PAGE}${afterEvent()}`;
    const page = await api("GET", sessionPath(session, `/messages${query}`));
    if (session !== inbox.session || jid !== inbox.chat) return;
    for (const m of page.items) {
      if (!inbox.messages.get(m.message_id)?.live) inbox.messages.set(m.message_id, m); // live: newer
    }
    const error = $("reply-error");
    if (error.textContent.startsWith(LOAD_FAILED)) error.textContent = "";
    render();
  } catch (err) {
    $("reply-error").textContent = `${LOAD_FAILED}: ${errorText(err)}`;
    const still = () => inbox.session === session && inbox.chat === jid;
    soonAgain(err, () => still() && loadMessages(session, jid));
  }
}

function applyEvent(envelope, id) {
  const { type } = envelope;
  const chatEvent = isNew(type) || type === "chat.read";
  if (envelope.session !== inbox.session || !(chatEvent || isMessageEvent(type))) return;
  const p = envelope.payload || {};
  const jid = chatJidOf(inbox.chats, p);
  if (chatEvent) {
    arriving?.push([envelope, id]);
    changeChat(inbox.chats, envelope, id, inbox.chat);
  }
  if (isNew(type)) {
    const m = { ...messageFrom(envelope), live: true };
    rememberName(m);
    const open = jid === inbox.chat;
    if (open && !inbox.messages.has(m.message_id)) inbox.messages.set(m.message_id, m);
    if (open && m.from_me) followNewest();
    if (!m.from_me) announce(`New message from ${chatName(inbox.chats.get(jid))}.`);
    if (open && !m.from_me) markRead(inbox.session, jid, 1);
  } else if (isMessageEvent(type)) {
    const m = inbox.messages.get(p.message_id);
    if (m) inbox.messages.set(m.message_id, { ...changedMessage(m, envelope), live: true });
    const chat = inbox.chats.get(jid);
    if (chat?.last_message?.message_id === p.message_id) {
      inbox.chats.set(chat.jid, { ...chat, last_message: changedMessage(chat.last_message, envelope) });
    }
  }
  render();
}

onShow("inbox", show);
onKeptSent(() => render());
onEvent(applyEvent);
onFreshStream(() => { // what happened while the stream was down
  if (inbox.shown && inbox.session) loadChats(inbox.session);
});
onSessionsChanged(() => {
  if (inbox.shown && !inbox.session && sessions.size) show([]);
  else render();
});
window.addEventListener("hashchange", () => { inbox.shown = location.hash.startsWith("#inbox"); });
$("inbox-session").addEventListener("change", (event) => {
  location.hash = `#inbox/${encodeURIComponent(event.target.value)}`;
});
onSignOut(() => {
  stopReading();
  forgetDrawn();
  forgetMedia();
  forgetNames();
  Object.assign(inbox, { session: null, chat: null, shown: false });
  inbox.chats.clear();
  inbox.messages.clear();
});
