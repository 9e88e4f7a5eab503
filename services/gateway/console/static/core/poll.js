// A section read from the API while it is shown, the tab visible and signed in: at once when
// shown, again every `everyMs`, and whenever its page calls `refresh()` (after a change made
// here) or `refresh.ifShown()` (a live event changed what it shows: reminders; webhooks have
// no events and only poll). One refresh at a time: calls meanwhile share one that follows it,
// so a burst of events costs one or two reads. A panel is redrawn only when what it shows
// changed (so focus and half-typed input stay).

import { auth } from "./api.js";
import { attempt } from "./dom.js";
import { current, onShow } from "./sections.js";

/** `run()` at most once at a time; the calls before a run begins all share that run. */
export function coalesced(run) {
  let next = null; // the run not begun yet
  let last = Promise.resolve(); // settles when the run before `next` has ended
  return () => {
    if (!next) {
      next = last.then(() => {
        next = null;
        return run();
      });
      last = next.catch(() => {});
    }
    return next;
  };
}

/** Polls `refreshOnce` for the section `name`; answers a `refresh()` to call after a change. */
export function poll(name, errorId, refreshOnce, everyMs = 3000) {
  let timer = null;
  const refresh = coalesced(() => attempt(errorId, refreshOnce));
  const shown = () => Boolean(auth.key) && current() === name;
  refresh.ifShown = () => (shown() && document.visibilityState === "visible" ? refresh() : null);
  function tick() {
    clearTimeout(timer);
    timer = null;
    if (!shown()) return;
    if (document.visibilityState === "visible") refresh();
    timer = setTimeout(tick, everyMs);
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
