// Calendar days in the shop's time zone, as UTC millisecond boundaries the database can compare with. A day
// is not always 24 hours (daylight saving), so boundaries are computed per day, never by adding DAY_MS.

const partsFormats = new Map<string, Intl.DateTimeFormat>();

function partsFormat(timeZone: string): Intl.DateTimeFormat {
  let format = partsFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    partsFormats.set(timeZone, format);
  }
  return format;
}

type Civil = { year: number; month: number; day: number };

function civilAt(ms: number, timeZone: string): Civil & { wallMs: number } {
  const parts = Object.fromEntries(partsFormat(timeZone).formatToParts(ms).map((part) => [part.type, part.value]));
  const [year, month, day] = [Number(parts.year), Number(parts.month), Number(parts.day)];
  const wallMs = Date.UTC(year, month - 1, day, Number(parts.hour), Number(parts.minute), Number(parts.second));
  return { year, month, day, wallMs };
}

/** How far the zone's wall clock is ahead of UTC at this instant, in ms. */
function offsetAt(ms: number, timeZone: string): number {
  return civilAt(ms, timeZone).wallMs - Math.floor(ms / 1000) * 1000;
}

/** The instant the given calendar day starts in the zone. */
export function startOfCivilDay(civil: Civil, timeZone: string): number {
  const wall = Date.UTC(civil.year, civil.month - 1, civil.day);
  const guess = wall - offsetAt(wall, timeZone);
  return wall - offsetAt(guess, timeZone);
}

/** Midnight (in the zone) of the day holding `ms`. */
export function startOfZonedDay(ms: number, timeZone: string): number {
  return startOfCivilDay(civilAt(ms, timeZone), timeZone);
}

/** `count` consecutive days ending with today, as count + 1 boundaries: day i is [bounds[i], bounds[i + 1]). */
export function zonedDayBounds(nowMs: number, count: number, timeZone: string): number[] {
  const today = civilAt(nowMs, timeZone);
  return Array.from({ length: count + 1 }, (_, index) => {
    // Date.UTC normalises day overflow (Mar 0 = Feb 28/29), so walking the calendar is plain arithmetic.
    const shifted = new Date(Date.UTC(today.year, today.month - 1, today.day - (count - 1) + index));
    return startOfCivilDay({ year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() }, timeZone);
  });
}

/** "2026-03-10" as the instant that day starts in the zone; null for anything else. */
export function parseZonedDate(value: string | null | undefined, timeZone: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value ?? "");
  if (!match) return null;
  const civil = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  const check = new Date(Date.UTC(civil.year, civil.month - 1, civil.day));
  if (check.getUTCMonth() + 1 !== civil.month || check.getUTCDate() !== civil.day) return null;
  return startOfCivilDay(civil, timeZone);
}

/** The hour (0–23) of the zone's wall clock at `ms`. */
export function zonedHour(ms: number, timeZone: string): number {
  return new Date(civilAt(ms, timeZone).wallMs).getUTCHours();
}

/** The calendar day holding `ms` in the zone, as "YYYY-MM-DD". */
export function zonedDateString(ms: number, timeZone: string): string {
  const { year, month, day } = civilAt(ms, timeZone);
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** The day after a "YYYY-MM-DD" day starts (the end of an inclusive date filter). */
export function nextCivilDayStart(value: string, timeZone: string): number | null {
  const start = parseZonedDate(value, timeZone);
  if (start === null) return null;
  const [year, month, day] = value.split("-").map(Number) as [number, number, number];
  const next = new Date(Date.UTC(year, month - 1, day + 1));
  return startOfCivilDay({ year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() }, timeZone);
}
