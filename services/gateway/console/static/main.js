// The console: sign in with a tenant key, then the sections. Each section is its own module;
// a new one adds its <section>, its nav link and one import below.

import { api, auth, keepKey, onSignOut, signOut } from "./core/api.js";
import { $, on } from "./core/dom.js";
import { onEvent, onFreshStream, startEvents, stopEvents } from "./core/events.js";
import { route } from "./core/sections.js";
import { applySessionEvent, forgetSessions, loadSessions } from "./sessions/state.js";
import "./sessions/page.js";
import "./inbox/page.js";
import "./reminders/page.js";
import "./webhooks/page.js";

function signedIn(yes) {
  $("sign-in").hidden = yes;
  $("console").hidden = !yes;
  $("sign-out").hidden = !yes;
}

async function listSessions() {
  try {
    await loadSessions();
  } catch (err) {
    $("create-error").textContent = `Could not list sessions: ${err.message}`;
  }
}

function startConsole() {
  signedIn(true);
  startEvents(); // lists the sessions again once the stream is open
  listSessions(); // at once, so the list shows even while the stream is unavailable
  route();
}

onEvent(applySessionEvent);
onFreshStream(listSessions);
onSignOut((message) => {
  stopEvents();
  forgetSessions();
  $("sign-in-error").textContent = message;
  signedIn(false);
});

on("sign-in-form", "submit", async () => {
  auth.key = $("key").value.trim();
  $("key").value = "";
  await api("GET", "/v1/sessions"); // proves the key before keeping it
  keepKey(auth.key);
  startConsole();
}, "sign-in-error");

$("sign-out").addEventListener("click", () => signOut());

if (auth.key) startConsole();
else signedIn(false);
