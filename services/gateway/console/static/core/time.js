// Times as the page shows and reads them: the browser's zone, to the second.

export const when = (iso) => (iso ? new Date(iso).toLocaleString() : "—");

/** A `datetime-local` value (the browser's zone) as an ISO time with its offset. */
export const fromLocalInput = (value) => new Date(value).toISOString();

/** An ISO time as a `datetime-local` value in the browser's zone (to the second). */
export function toLocalInput(iso) {
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
    `T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
