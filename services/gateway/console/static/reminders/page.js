// The reminders section: the tenant's reminders by status and its appointments by start (each
// with its reminders), a page at a time, asked again every few seconds while shown
// (core/poll.js).

import { onSignOut } from "../core/api.js";
import { $ } from "../core/dom.js";
import { drawer, poll } from "../core/poll.js";
import { fillSessions } from "../sessions/picker.js";
import { onSessionsChanged } from "../sessions/state.js";
import {
  bindAppointmentForm, forgetAppointments, loadAppointments, renderAppointments,
} from "./appointments.js";
import { bindReminderForm, forgetReminderPages, loadReminders, renderReminders } from "./list.js";

const draw = drawer();
const NONE = { items: [], more: false };

const refresh = poll("reminders", "reminders-error", async () => {
  const reminders = await loadReminders();
  draw("reminders", reminders, () => renderReminders(reminders, refresh));
  const appointments = await loadAppointments();
  draw("appointments", appointments, () => renderAppointments(appointments, refresh));
});

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
