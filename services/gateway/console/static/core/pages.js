// A list the API pages (``items`` and ``next_cursor``): as many pages as the reader asked for
// with "More", read again on each refresh so a poll keeps what "More" showed.

import { api } from "./api.js";

const PAGE = 50;

export function pager(path) {
  let wanted = 1;
  return {
    more() { wanted += 1; },
    reset() { wanted = 1; },
    /** `{items, more}`: the pages asked for, filtered (empty filters are left out). */
    async load(filters = {}) {
      const items = [];
      let cursor = null;
      for (let n = 0; n < wanted; n += 1) {
        const query = new URLSearchParams({ limit: String(PAGE) });
        for (const [name, value] of Object.entries(filters)) if (value) query.set(name, value);
        if (cursor) query.set("cursor", cursor);
        const page = await api("GET", `${path}?${query}`);
        items.push(...page.items);
        cursor = page.next_cursor;
        if (!cursor) break;
      }
      return { items, more: Boolean(cursor) };
    },
  };
}
