// The reminders section: the tenant's reminders by status and its appointments by start (each
// with its reminders), a page at a time. Read again while shown (core/poll.js) as soon as a
// reminder or appointment event of the tenant arrives on the live stream, and every 30 s
// should the stream be down. A read after an event waits for the store to have applied it.

import { onSignOut } from "../core/api.js";
import { $ } from "../core/dom.js";
import { onEvent, onFreshStream } from "../core/events.js";
import { drawer, poll } from "../core/poll.js";
import { fillSessions } from "../sessions/picker.js";
import { onSessionsChanged } from "../sessions/state.js";
import {
  bindAppointmentForm, forgetAppointments, loadAppointments, renderAppointments,
} from "./appointments.js";
import { bindReminderForm, forgetReminderPages, loadReminders, renderReminders } from "./list.js";

const draw = drawer();
const NONE = { items: [], more: false };
const FALLBACK_MS = 30_000; // only for a stream that is down: the events say when to read
const FAMILIES = ["reminder.", "appointment."];

const refresh = poll("reminders", "reminders-error", async () => {
  const reminders = await loadReminders();
  draw("reminders", reminders, () => renderReminders(reminders, refresh));
  const appointments = await loadAppointments();
  draw("appointments", appointments, () => renderAppointments(appointments, refresh));
}, FALLBACK_MS);

onEvent((envelope) => {
  if (FAMILIES.some((family) => envelope.type.startsWith(family))) refresh.ifShown();
});
onFreshStream(() => refresh.ifShown()); // what happened while it was down

onSessionsChanged(() => {
  fillSessions($("reminder-session"));
  fillSessions($("appointment-session"));
});

onSignOut(() => { // nothing of the last tenant stays in the page
  draw.forget();
  forgetReminderPages();
  forgetAppointments();
  renderReminders(NONE, refresh);
  renderAppointments(NONE, refresh);
});

bindReminderForm(refresh);
bindAppointmentForm(refresh);
