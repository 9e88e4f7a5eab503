// A <select> of the tenant's sessions (name and status), as the page knows them.

import { el } from "../core/dom.js";
import { sessions } from "./state.js";

/** Fills `select` with the sessions, keeping `chosen` (by default what it had) selected. */
export function fillSessions(select, chosen = select.value) {
  select.replaceChildren(...[...sessions.values()].map((s) =>
    el("option", { value: s.id, dir: "auto", selected: s.id === chosen,
      text: `${s.name || s.id} (${s.status})` })));
}
