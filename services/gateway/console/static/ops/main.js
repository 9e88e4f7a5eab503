// The operator panels (reminders, appointments, webhooks) beside the console. They show while
// the tab holds a key (the console signs in and out; any change of what is hidden is a cue),
// and refresh every few seconds while the page is visible, redrawing only what changed.

import { $, attempt, fillSessions, api, key } from "./api.js";
import {
  bindAppointmentForm, forgetAppointments, loadAppointments, renderAppointments,
} from "./appointments.js";
import { bindReminderForm, loadReminders, renderReminders } from "./reminders.js";
import { bindWebhookForm, loadWebhooks, renderWebhooks, webhooks } from "./webhooks.js";

const REFRESH_MS = 3000;
const drawn = new Map(); // panel -> the JSON it was last drawn from
let timer = null;
let running = null;

function draw(panel, data, paint) {
  const text = JSON.stringify(data);
  if (drawn.get(panel) === text) return; // unchanged: keep focus and half-typed input
  drawn.set(panel, text);
  const focused = document.activeElement?.dataset?.focus; // a redrawn button keeps the focus
  paint();
  if (focused) document.querySelector(`[data-focus="${CSS.escape(focused)}"]`)?.focus();
}

async function refreshOnce() {
  const sessions = (await api("GET", "/v1/sessions?limit=100")).items;
  draw("sessions", sessions, () => {
    fillSessions($("reminder-session"), sessions);
    fillSessions($("appointment-session"), sessions);
  });
  const reminders = await loadReminders();
  draw("reminders", reminders, () => renderReminders(reminders, refresh));
  const all = $("reminders-status").value ? await loadReminders(true) : reminders;
  const appointments = await loadAppointments(all);
  draw("appointments", appointments, () => renderAppointments(appointments, refresh));
  const log = await loadWebhooks();
  draw("webhooks", [webhooks.items, webhooks.open, log], () => renderWebhooks(log, refresh));
}

/** One refresh at a time; a call meanwhile waits for the running one and then runs again. */
async function refresh() {
  while (running) await running;
  running = attempt($("ops-error"), refreshOnce).finally(() => { running = null; });
  return running;
}

function tick() {
  clearTimeout(timer);
  timer = null;
  if (!key() || $("ops").hidden) return;
  if (document.visibilityState === "visible") refresh();
  timer = setTimeout(tick, REFRESH_MS);
}

function sync() {
  const signedIn = Boolean(key());
  if ($("ops").hidden !== signedIn) return; // no change
  $("ops").hidden = !signedIn;
  $("ops-nav").hidden = !signedIn;
  drawn.clear();
  forgetAppointments();
  webhooks.open = null;
  if (signedIn) return tick();
  clearTimeout(timer);
  renderReminders([], refresh); // nothing of the last tenant stays in the page
  renderAppointments([], refresh);
  webhooks.items = [];
  renderWebhooks({ deliveries: [], dead: [] }, refresh);
  $("webhook-secret").hidden = true;
  $("webhook-secret-value").textContent = "";
}

bindReminderForm(refresh);
bindAppointmentForm(refresh);
bindWebhookForm(refresh);
new MutationObserver(sync).observe(document.body, {
  subtree: true, attributes: true, attributeFilter: ["hidden"],
});
document.addEventListener("visibilitychange", tick);
sync();
