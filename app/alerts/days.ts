// Calendar days in a shop's time zone, for "one email per cause per day" and "yesterday's orders".
// Pure: callers pass the time and the zone.

const DAY_MS = 24 * 60 * 60 * 1000;

function parts(ms: number, timeZone: string): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
  const value = (type: Intl.DateTimeFormatPartTypes) => Number(format.formatToParts(ms).find((part) => part.type === type)?.value);
  return { year: value("year"), month: value("month"), day: value("day"), hour: value("hour"), minute: value("minute"), second: value("second") };
}

/** The zone's offset from UTC at `ms`, in milliseconds. */
function offsetAt(ms: number, timeZone: string): number {
  const p = parts(ms, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** YYYY-MM-DD of `ms` in the zone. */
export function localDay(ms: number, timeZone: string): string {
  const p = parts(ms, timeZone);
  return `${p.year}-${String(p.month).padStart(2, "0")}-${String(p.day).padStart(2, "0")}`;
}

/** The hour (0–23) of `ms` in the zone. */
export function localHour(ms: number, timeZone: string): number {
  return parts(ms, timeZone).hour;
}

/** The day before YYYY-MM-DD. */
export function previousDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);
}

/** [start, end) of a day in the zone, in epoch milliseconds (23 or 25 hours long on a clock change). */
export function dayBounds(day: string, timeZone: string): { fromMs: number; toMs: number } {
  return { fromMs: localMidnight(day, timeZone), toMs: localMidnight(new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10), timeZone) };
}

function localMidnight(day: string, timeZone: string): number {
  const wall = Date.parse(`${day}T00:00:00Z`);
  // Two passes settle the offset across a clock change near midnight.
  const first = wall - offsetAt(wall, timeZone);
  return wall - offsetAt(first, timeZone);
}
