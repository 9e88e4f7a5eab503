// The reminders section: the tenant's reminders by status and its appointments (found through
// their reminders), asked again every few seconds while shown (core/poll.js).

import { onSignOut } from "../core/api.js";
import { $ } from "../core/dom.js";
import { drawer, poll } from "../core/poll.js";
import { fillSessions } from "../sessions/picker.js";
import { onSessionsChanged } from "../sessions/state.js";
import {
  bindAppointmentForm, forgetAppointments, loadAppointments, renderAppointments,
} from "./appointments.js";
import { bindReminderForm, loadReminders, renderReminders } from "./list.js";

const draw = drawer();

const refresh = poll("reminders", "reminders-error", async () => {
  const reminders = await loadReminders();
  draw("reminders", reminders, () => renderReminders(reminders, refresh));
  const all = $("reminders-status").value ? await loadReminders(true) : reminders;
  const appointments = await loadAppointments(all);
  draw("appointments", appointments, () => renderAppointments(appointments, refresh));
});

onSessionsChanged(() => {
  fillSessions($("reminder-session"));
  fillSessions($("appointment-session"));
});

onSignOut(() => { // nothing of the last tenant stays in the page
  draw.forget();
  forgetAppointments();
  renderReminders([], refresh);
  renderAppointments([], refresh);
});

bindReminderForm(refresh);
bindAppointmentForm(refresh);
