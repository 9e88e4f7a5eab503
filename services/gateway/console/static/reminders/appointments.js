// Appointments: listed by start a page at a time with their reminders, created, moved (the
// pending reminders follow) or cancelled.

import { api } from "../core/api.js";
import { $, announce, attempt, badge, el, on, userText } from "../core/dom.js";
import { lastEventId } from "../core/events.js";
import { pager } from "../core/pages.js";
import { fromLocalInput, when } from "../core/time.js";
import { moveForm } from "./move.js";

const path = (id) => `/v1/appointments/${encodeURIComponent(id)}`;
const pages = pager("/v1/appointments");

/** The appointments of the chosen status, by start, as many pages as "More" asked for. */
export const loadAppointments = () => pages.load({
  status: $("appointments-status").value, after_event: lastEventId(),
});

export const forgetAppointments = () => pages.reset();

const reminderLine = (r) => el("li", { dataset: { reminder: r.id, status: r.status } },
  badge(r.status), " ", el("time", {}, when(r.due_at)));

function appointmentItem(appt, refresh) {
  const errorNode = el("p", { class: "error", role: "alert" });
  const live = appt.status !== "cancelled";
  const move = live && moveForm({
    id: appt.id, label: "New start", current: appt.starts_at,
    what: appt.title || "the appointment", errorNode,
    onMove: async (starts_at) => {
      await api("PATCH", path(appt.id), { starts_at });
      announce(`${appt.title || "Appointment"} moved.`);
      await refresh();
    },
  });
  const cancel = live && el("button", {
    type: "button", class: "danger", "aria-label": `Cancel appointment ${appt.title || ""}`.trim(),
    onclick: () => attempt(errorNode, async () => {
      await api("DELETE", path(appt.id));
      await refresh();
    }),
  }, "Cancel appointment");
  const pending = appt.reminders.filter((r) => ["scheduled", "deferred", "retrying"].includes(r.status));
  return el("li", { class: "ops-item", dataset: { appointment: appt.id, status: appt.status } },
    el("p", { class: "ops-line" }, badge(appt.status), " ", userText(appt.title, "strong"), " ",
      el("time", {}, when(appt.starts_at)), " → ", userText(appt.to)),
    el("p", { class: "hint" }, `${pending.length} reminder(s) pending of ${appt.reminders.length}`),
    el("ul", { class: "ops-reminders", "aria-label": `Reminders of ${appt.title || "it"}` },
      ...appt.reminders.map(reminderLine)),
    move || null, cancel || null, errorNode);
}

export function renderAppointments({ items, more }, refresh) {
  $("appointments-empty").hidden = items.length > 0;
  $("appointments-more").hidden = !more;
  $("appointments-list").replaceChildren(...items.map((a) => appointmentItem(a, refresh)));
}

export function bindAppointmentForm(refresh) {
  on("appointment-form", "submit", async () => {
    await api("POST", "/v1/appointments", {
      session_id: $("appointment-session").value,
      to: $("appointment-to").value.trim(),
      title: $("appointment-title").value.trim(),
      starts_at: fromLocalInput($("appointment-start").value),
    });
    $("appointment-title").value = "";
    announce("Appointment created.");
    await refresh();
  }, "appointment-form-error");
  $("appointments-status").addEventListener("change", () => { pages.reset(); refresh(); });
  $("appointments-more").addEventListener("click", () => { pages.more(); refresh(); });
}
