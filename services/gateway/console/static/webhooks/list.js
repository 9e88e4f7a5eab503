// Webhooks: the registrations, one webhook's recent deliveries with the status code of every
// attempt, and its dead letters, each with a button to deliver it again.

import { api } from "../core/api.js";
import { $, announce, attempt, badge, el, on, userText } from "../core/dom.js";
import { when } from "../core/time.js";

const one = (id) => `/v1/webhooks/${encodeURIComponent(id)}`;

export const webhooks = { items: [], open: null }; // ``open``: the webhook whose log is shown

export async function loadWebhooks() {
  webhooks.items = (await api("GET", "/v1/webhooks?limit=100")).items;
  if (!webhooks.items.some((w) => w.id === webhooks.open)) webhooks.open = null;
  if (!webhooks.open) return { deliveries: [], dead: [] };
  const [deliveries, dead] = await Promise.all([
    api("GET", `${one(webhooks.open)}/deliveries?limit=20`),
    api("GET", `${one(webhooks.open)}/dead-letters?limit=20`),
  ]);
  return { deliveries: deliveries.items, dead: dead.items };
}

/** "500, 500, 200" — or the error when no answer came. */
const codes = (delivery) =>
  delivery.attempts.map((a) => (a.status_code ? String(a.status_code) : a.error || "no answer"))
    .join(", ") || "not tried yet";

function deliveryItem(delivery, refresh) {
  const redeliver = delivery.status === "dead" && el("button", {
    type: "button", "aria-label": `Redeliver ${delivery.event_type} (${delivery.id})`,
    onclick: () => attempt("webhooks-error", async () => {
      await api("POST", `${one(delivery.webhook_id)}/dead-letters/${encodeURIComponent(delivery.id)}/redeliver`);
      announce(`${delivery.event_type} queued for delivery again.`);
      await refresh();
    }),
  }, "Redeliver");
  return el("li", { class: "ops-item", dataset: { delivery: delivery.id, status: delivery.status } },
    el("p", { class: "ops-line" }, badge(delivery.status), " ", el("code", {}, delivery.event_type),
      " ", el("time", {}, when(delivery.delivered_at || delivery.created_at))),
    el("p", { class: "ops-codes" }, `Attempts: ${codes(delivery)}`),
    redeliver || null);
}

function webhookRow(hook, refresh) {
  const shown = hook.id === webhooks.open;
  return el("li", { class: "ops-item", dataset: { webhook: hook.id } },
    el("p", { class: "ops-line" }, userText(hook.url, "code")),
    el("p", { class: "hint" }, `Events: ${hook.events.join(", ")}` +
      (hook.session_id ? ` · session ${hook.session_id}` : "")),
    el("button", {
      type: "button", class: "quiet", "aria-expanded": String(shown),
      "aria-controls": "webhook-log", dataset: { focus: `log:${hook.id}` },
      "aria-label": `${shown ? "Hide" : "Show"} deliveries of ${hook.url}`,
      onclick: () => { webhooks.open = shown ? null : hook.id; refresh(); },
    }, shown ? "Hide deliveries" : "Show deliveries"));
}

export function renderWebhooks(log, refresh) {
  $("webhooks-empty").hidden = webhooks.items.length > 0;
  $("webhooks-list").replaceChildren(...webhooks.items.map((w) => webhookRow(w, refresh)));
  $("webhook-log").hidden = !webhooks.open;
  $("deliveries-empty").hidden = log.deliveries.length > 0;
  $("deliveries-list").replaceChildren(...log.deliveries.map((d) => deliveryItem(d, refresh)));
  $("dead-letters-empty").hidden = log.dead.length > 0;
  $("dead-letters-list").replaceChildren(...log.dead.map((d) => deliveryItem(d, refresh)));
}

export function bindWebhookForm(refresh) {
  on("webhook-form", "submit", async () => {
    const events = $("webhook-events").value.split(",").map((e) => e.trim()).filter(Boolean);
    const created = await api("POST", "/v1/webhooks", { url: $("webhook-url").value.trim(), events });
    $("webhook-url").value = "";
    $("webhook-secret").hidden = false;
    $("webhook-secret-value").textContent = created.secret; // shown once, kept nowhere
    await refresh();
  }, "webhook-form-error");
}
