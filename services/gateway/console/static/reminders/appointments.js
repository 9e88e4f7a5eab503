// Appointments: created with their reminders, moved (the pending reminders follow) or cancelled.
// There is no list of appointments in the API: they are found through their reminders.

import { api } from "../core/api.js";
import { $, announce, attempt, badge, el, on, userText } from "../core/dom.js";
import { fromLocalInput, toLocalInput, when } from "../core/time.js";

const path = (id) => `/v1/appointments/${encodeURIComponent(id)}`;

const known = new Map(); // id -> {mark, view}: asked again only once one of its reminders changed

export async function loadAppointments(reminders) {
  const marks = new Map();
  for (const r of reminders.filter((r) => r.appointment_id)) {
    marks.set(r.appointment_id, `${marks.get(r.appointment_id) || ""}${r.id}@${r.updated_at};`);
  }
  const found = await Promise.all([...marks].map(async ([id, mark]) => {
    if (known.get(id)?.mark === mark) return known.get(id).view;
    const view = await api("GET", path(id)).catch(() => null);
    if (view) known.set(id, { mark, view });
    return view;
  }));
  return found.filter(Boolean).sort((a, b) => (a.starts_at || "").localeCompare(b.starts_at || ""));
}

export const forgetAppointments = () => known.clear();

function appointmentItem(appt, refresh) {
  const errorNode = el("p", { class: "error", role: "alert" });
  const inputId = `move-${appt.id}`;
  const live = appt.status !== "cancelled";
  const move = live && el("form", {
    class: "inline", method: "post",
    onsubmit: (event) => {
      event.preventDefault();
      attempt(errorNode, async () => {
        await api("PATCH", path(appt.id), { starts_at: fromLocalInput(event.target.elements.at.value) });
        announce(`${appt.title || "Appointment"} moved.`);
        await refresh();
      });
    },
  }, el("label", { for: inputId }, "New start"),
  el("input", { id: inputId, name: "at", type: "datetime-local", step: "1", required: true,
    value: appt.starts_at ? toLocalInput(appt.starts_at) : undefined }),
  el("button", {
    type: "submit", dataset: { focus: `move:${appt.id}` },
    "aria-label": `Move ${appt.title || "the appointment"}`,
  }, "Move"));
  const cancel = live && el("button", {
    type: "button", class: "danger", "aria-label": `Cancel appointment ${appt.title || ""}`.trim(),
    onclick: () => attempt(errorNode, async () => {
      await api("DELETE", path(appt.id));
      await refresh();
    }),
  }, "Cancel appointment");
  const pending = appt.reminders.filter((r) => ["scheduled", "deferred"].includes(r.status));
  return el("li", { class: "ops-item", dataset: { appointment: appt.id, status: appt.status } },
    el("p", { class: "ops-line" }, badge(appt.status), " ", userText(appt.title, "strong"), " ",
      el("time", {}, when(appt.starts_at)), " → ", userText(appt.to)),
    el("p", { class: "hint" }, `${pending.length} reminder(s) pending of ${appt.reminders.length}`),
    move || null, cancel || null, errorNode);
}

export function renderAppointments(items, refresh) {
  $("appointments-empty").hidden = items.length > 0;
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
}
