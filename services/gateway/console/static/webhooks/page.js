// The webhooks section: registrations, one webhook's recent deliveries and dead letters, asked
// again every few seconds while shown (core/poll.js).

import { onSignOut } from "../core/api.js";
import { $ } from "../core/dom.js";
import { drawer, poll } from "../core/poll.js";
import { bindWebhookForm, loadWebhooks, renderWebhooks, webhooks } from "./list.js";

const draw = drawer();

const refresh = poll("webhooks", "webhooks-error", async () => {
  const log = await loadWebhooks();
  draw("webhooks", [webhooks.items, webhooks.open, log], () => renderWebhooks(log, refresh));
});

onSignOut(() => { // nothing of the last tenant stays in the page
  draw.forget();
  webhooks.items = [];
  webhooks.open = null;
  renderWebhooks({ deliveries: [], dead: [] }, refresh);
  $("webhook-secret").hidden = true;
  $("webhook-secret-value").textContent = "";
});

bindWebhookForm(refresh);
