// A section the API does not push to (reminders, webhooks) asks again every few seconds while
// it is shown, the tab visible and signed in; one refresh at a time, and it redraws a panel
// only when what it shows changed (so focus and half-typed input stay).

import { auth } from "./api.js";
import { attempt } from "./dom.js";
import { current, onShow } from "./sections.js";

const EVERY_MS = 3000;

/** Polls `refreshOnce` for the section `name`; answers a `refresh()` to call after a change. */
export function poll(name, errorId, refreshOnce) {
  let timer = null;
  let running = null;
  async function refresh() {
    while (running) await running; // a call meanwhile waits, then runs again
    running = attempt(errorId, refreshOnce).finally(() => { running = null; });
    return running;
  }
  function tick() {
    clearTimeout(timer);
    timer = null;
    if (!auth.key || current() !== name) return;
    if (document.visibilityState === "visible") refresh();
    timer = setTimeout(tick, EVERY_MS);
  }
  onShow(name, tick);
  document.addEventListener("visibilitychange", tick);
  return refresh;
}

/** `draw(panel, data, paint)` paints only when `data` changed; a redrawn button keeps focus. */
export function drawer() {
  const drawn = new Map(); // panel -> the JSON it was last drawn from
  const draw = (panel, data, paint) => {
    const text = JSON.stringify(data);
    if (drawn.get(panel) === text) return;
    drawn.set(panel, text);
    const focused = document.activeElement?.dataset?.focus;
    paint();
    if (focused) document.querySelector(`[data-focus="${CSS.escape(focused)}"]`)?.focus();
  };
  draw.forget = () => drawn.clear();
  return draw;
}
