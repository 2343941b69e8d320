import { isTooOldError } from "../destinations/meta/classify-error";
import type { MetaSendFailure } from "../destinations/meta/types";
import { META_WINDOW_WORDS, tooOldReason } from "../destinations/meta/event-window";

// The reasons stored on rows and shown to merchants and operators. They carry Meta's code and fbtrace_id
// (what Meta support asks for) and never the token or event contents.

export function describeMetaFailure(failure: MetaSendFailure): string {
  const trace = failure.fbtraceId ? ` (fbtrace_id ${failure.fbtraceId})` : "";
  if (failure.code === null) {
    const status = failure.httpStatus === null ? "" : `HTTP ${failure.httpStatus}: `;
    return `Meta request failed: ${status}${failure.message}${trace}`;
  }
  const code = failure.subcode === null ? `${failure.code}` : `${failure.code}/${failure.subcode}`;
  const text = failure.title ? `${failure.title}: ${failure.message}` : failure.message;
  return `Meta error ${code}: ${text}${trace}`;
}

export function deadReasonForPayload(failure: MetaSendFailure): string {
  const described = describeMetaFailure(failure);
  return isTooOldError(failure) ? tooOldReason(described) : described;
}

export const TOO_OLD_BEFORE_SEND = tooOldReason(`event_time is outside ${META_WINDOW_WORDS}; not sent`);
export const TOO_OLD_GAVE_UP = tooOldReason(`gave up retrying before ${META_WINDOW_WORDS} closed`);
export const MISSING_TOKEN = "Meta access token missing: reconnect the Conversions API in settings";
export const MISSING_PIXEL = "No Meta pixel configured for this shop";
export const UNKNOWN_SHOP = "Shop is not configured";

/** Stored on the rows of a paused pixel and shown with the pause: which pixel, and Meta's cause. */
export function pixelPausedReason(pixelId: string, cause: string): string {
  return `Meta pixel ${pixelId} paused: ${cause}`;
}

export function pixelRemovedReason(pixelId: string): string {
  return `Meta pixel ${pixelId} is no longer configured for this shop`;
}
