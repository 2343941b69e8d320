// Numbers, dates and plurals for the admin, through Intl, in the shop's time zone and the admin's locale.
// No server imports: loaders and components share it. Strings stay English; the formats follow the locale.

export type FormatSettings = { locale: string; timeZone: string };

export const DEFAULT_FORMAT: FormatSettings = { locale: "en", timeZone: "UTC" };

/** A locale Intl understands (the admin's `locale` parameter, e.g. "en", "de-CH"), else the default. */
export function parseLocale(value: string | null | undefined): string {
  if (!value) return DEFAULT_FORMAT.locale;
  try {
    return Intl.getCanonicalLocales(value)[0] ?? DEFAULT_FORMAT.locale;
  } catch {
    return DEFAULT_FORMAT.locale;
  }
}

/** An IANA time zone Intl knows (Shopify's `shop.ianaTimezone`), else UTC. */
export function parseTimeZone(value: unknown): string {
  if (typeof value !== "string" || value === "") return DEFAULT_FORMAT.timeZone;
  try {
    return new Intl.DateTimeFormat("en", { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    return DEFAULT_FORMAT.timeZone;
  }
}

/** Singular and plural English nouns; Intl.PluralRules picks one for the count. */
export type Noun = { one: string; other: string };

export const NOUN = {
  event: { one: "event", other: "events" },
  order: { one: "order", other: "orders" },
  day: { one: "day", other: "days" },
  row: { one: "row", other: "rows" },
} satisfies Record<string, Noun>;

const RELATIVE_STEPS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ["second", 60],
  ["minute", 60],
  ["hour", 24],
  ["day", 7],
  ["week", 4.35],
  ["month", 12],
  ["year", Number.POSITIVE_INFINITY],
];

export type Formatter = ReturnType<typeof createFormatter>;

export function createFormatter(settings: FormatSettings = DEFAULT_FORMAT) {
  const { locale, timeZone } = settings;
  const integer = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const share = new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 0 });
  // English nouns: the plural category comes from English rules, whatever the locale of the numbers.
  const plurals = new Intl.PluralRules("en");
  const dateTime = new Intl.DateTimeFormat(locale, { timeZone, dateStyle: "medium", timeStyle: "short" });
  const date = new Intl.DateTimeFormat(locale, { timeZone, dateStyle: "medium" });
  const shortDay = new Intl.DateTimeFormat(locale, { timeZone, month: "short", day: "numeric" });
  const relative = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  return {
    settings,
    number: (value: number) => integer.format(value),
    /** "1 order", "1,204 orders". */
    count: (value: number, noun: Noun) => `${integer.format(value)} ${plurals.select(value) === "one" ? noun.one : noun.other}`,
    noun: (value: number, noun: Noun) => (plurals.select(value) === "one" ? noun.one : noun.other),
    /** Share of a whole, rounded; null when there is no whole to measure against. */
    percent: (part: number, whole: number) => (whole === 0 ? null : share.format(part / whole)),
    money: (value: number, currency: string) => {
      try {
        return new Intl.NumberFormat(locale, { style: "currency", currency }).format(value);
      } catch {
        return `${integer.format(value)} ${currency}`;
      }
    },
    dateTime: (ms: number) => dateTime.format(ms),
    date: (ms: number) => date.format(ms),
    /** A day on a chart axis: "Mar 10". */
    day: (ms: number) => shortDay.format(ms),
    relative: (ms: number, nowMs: number) => {
      let amount = (ms - nowMs) / 1000;
      for (const [unit, size] of RELATIVE_STEPS) {
        if (Math.abs(amount) < size) return relative.format(Math.round(amount), unit);
        amount /= size;
      }
      return relative.format(Math.round(amount), "year");
    },
  };
}
