// How old a server event Meta still takes: an event_time more than 7 days in the past makes Graph API refuse
// the whole request (error 100, subcode 2804003; docs/meta-capi-facts.md, "The events endpoint"). Every
// deadline in Tandem (retries, releasing held events, the privacy purge, the admin's "send by", alert emails)
// is counted from this one value. The Meta simulator keeps its own copy: it stands for Meta, not for Tandem.

export const META_EVENT_WINDOW_DAYS = 7;
export const META_EVENT_WINDOW_MS = META_EVENT_WINDOW_DAYS * 24 * 60 * 60 * 1000;

/** How stored reasons for events that missed the window begin, so counts and filters can find them. */
export const TOO_OLD_PREFIX = "too old";

/** A stored reason for an event that missed the window: the prefix, then what happened. */
export function tooOldReason(detail: string): string {
  return `${TOO_OLD_PREFIX}: ${detail}`;
}

/** How a reason names the window, e.g. "Meta's 7-day window". */
export const META_WINDOW_WORDS = `Meta's ${META_EVENT_WINDOW_DAYS}-day window`;
