// Reminders: listed by status a page at a time, scheduled, moved, cancelled, each with why it
// waits or failed. (An appointment's reminders move with their appointment.)

import { api } from "../core/api.js";
import { $, announce, attempt, badge, el, on, userText } from "../core/dom.js";
import { lastEventId } from "../core/events.js";
import { pager } from "../core/pages.js";
import { fromLocalInput, when } from "../core/time.js";
import { moveForm } from "./move.js";

const PENDING = new Set(["scheduled", "deferred", "retrying"]);
const FAILURES = {
  stale: "it was due too long ago when the session could send again (stale)",
  session_deleted: "its session was deleted",
  send_failed: "WhatsApp did not take the message",
};

/** Why a reminder is where it is, in words; null when its status says it all. */
export function why(reminder) {
  const reason = reminder.last_reason || "";
  switch (reminder.status) {
    case "deferred":
      return "Waiting: the session is not connected. It is sent once the session connects.";
    case "retrying":
      return `Retrying after attempt ${reminder.attempts}${reason ? `: ${reason}` : ""}.`;
    case "failed": {
      const [code, ...detail] = reason.split(": ");
      const words = FAILURES[code] || code || "no reason recorded";
      return `Failed: ${words}${detail.length ? ` (${detail.join(": ")})` : ""}.`;
    }
    case "cancelled":
      return reason && reason !== "requested" ? `Cancelled: ${reason.replaceAll("_", " ")}.` : null;
    default:
      return null;
  }
}

const path = (id) => `/v1/reminders/${encodeURIComponent(id)}`;
const pages = pager("/v1/reminders");

function reminderItem(reminder, refresh) {
  const reason = why(reminder);
  const errorNode = el("p", { class: "error", role: "alert" });
  const move = PENDING.has(reminder.status) && !reminder.appointment_id && moveForm({
    id: reminder.id, label: "New due time", current: reminder.due_at,
    what: `the reminder to ${reminder.to}`, errorNode,
    onMove: async (due_at) => {
      await api("PATCH", path(reminder.id), { due_at });
      announce("Reminder moved.");
      await refresh();
    },
  });
  const cancel = PENDING.has(reminder.status) && el("button", {
    type: "button", class: "quiet", "aria-label": `Cancel the reminder to ${reminder.to}`,
    onclick: () => attempt("reminders-error", async () => {
      await api("DELETE", path(reminder.id));
      await refresh();
    }),
  }, "Cancel");
  return el("li", { class: "ops-item", dataset: { reminder: reminder.id, status: reminder.status } },
    el("p", { class: "ops-line" }, badge(reminder.status), " ", el("time", {}, when(reminder.due_at)),
      " → ", userText(reminder.to)),
    userText(reminder.text, "p"),
    reason && el("p", { class: "ops-why" }, reason),
    reminder.appointment_id && el("p", { class: "hint" }, "Part of an appointment"),
    move || null, cancel || null, errorNode);
}

export function renderReminders({ items, more }, refresh) {
  $("reminders-empty").hidden = items.length > 0;
  $("reminders-more").hidden = !more;
  $("reminders-list").replaceChildren(...items.map((r) => reminderItem(r, refresh)));
}

/** The reminders of the chosen status, due first, as many pages as "More" asked for. */
export const loadReminders = () => pages.load({
  status: $("reminders-status").value, after_event: lastEventId(),
});

export function bindReminderForm(refresh) {
  on("reminder-form", "submit", async () => {
    await api("POST", "/v1/reminders", {
      session_id: $("reminder-session").value,
      to: $("reminder-to").value.trim(),
      due_at: fromLocalInput($("reminder-due").value),
      text: $("reminder-text").value,
    });
    $("reminder-text").value = "";
    announce("Reminder scheduled.");
    await refresh();
  }, "reminder-form-error");
  $("reminders-status").addEventListener("change", () => { pages.reset(); refresh(); });
  $("reminders-more").addEventListener("click", () => { pages.more(); refresh(); });
}

export const forgetReminderPages = () => pages.reset();
