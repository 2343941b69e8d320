import { invalidParameter, type GraphErrorSpec } from "./graph-error";
import { checkCustomData, checkDataProcessing } from "./meta-custom-data-rules";
import { isAbsoluteHttpUrl, isNonEmptyString, isRecord } from "./meta-formats";
import { checkUserData } from "./meta-user-data-rules";

export const MAX_EVENTS_PER_REQUEST = 1000;
const SEVEN_DAYS_MS = 7 * 24 * 60 * 60 * 1000;
// Meta documents no bound for the future; a minute of clock skew between hosts is tolerated here.
export const FUTURE_SKEW_MS = 60_000;
// Unix seconds stay below 1e11 until the year 5138; anything larger is a millisecond timestamp.
const MAX_PLAUSIBLE_SECONDS = 99_999_999_999;

// docs/meta-capi-facts.md, "Server event fields".
export const ACTION_SOURCES = new Set([
  "email", "website", "app", "phone_call", "chat", "physical_store", "system_generated", "business_messaging", "other",
]);

// Checks one server event; the first problem found rejects the whole request ("The events endpoint": one invalid event rejects the batch).
export function checkServerEvent(event: unknown, index: number, nowMs: number): GraphErrorSpec | null {
  const fail = (detail: string, extra: Partial<GraphErrorSpec> = {}) => invalidParameter(index, detail, extra);
  if (!isRecord(event)) return fail("each entry of data must be an object");
  if (!isNonEmptyString(event.event_name)) return fail("event_name is required and must be a non-empty string");

  const timeProblem = checkEventTime(event.event_time, nowMs, index);
  if (timeProblem !== null) return timeProblem;

  const source = event.action_source;
  if (typeof source !== "string" || !ACTION_SOURCES.has(source)) {
    return fail(`action_source is required and must be one of ${[...ACTION_SOURCES].join(", ")}`);
  }
  const isWebsite = source === "website";
  if (isWebsite && !(typeof event.event_source_url === "string" && isAbsoluteHttpUrl(event.event_source_url))) {
    return fail("event_source_url is required for website events and must be an absolute http(s) URL");
  }
  if (!isWebsite && event.event_source_url !== undefined && !isAbsoluteHttpUrl(String(event.event_source_url))) {
    return fail("event_source_url must be an absolute http(s) URL");
  }
  if (event.referrer_url !== undefined && !isAbsoluteHttpUrl(String(event.referrer_url))) {
    return fail("referrer_url must be an absolute http(s) URL");
  }
  if (event.event_id !== undefined && !isNonEmptyString(event.event_id)) {
    return fail("event_id must be a non-empty string");
  }
  if (event.opt_out !== undefined && typeof event.opt_out !== "boolean") return fail("opt_out must be a boolean");

  const userProblem = checkUserData(event.user_data, isWebsite);
  if (userProblem !== null) {
    return userProblem.insufficient
      ? fail(userProblem.detail, { error_subcode: 2804050, error_user_title: "Insufficient customer information" })
      : fail(userProblem.detail);
  }
  const customProblem = checkCustomData(event.event_name, event.custom_data);
  if (customProblem !== null) return fail(customProblem);
  const dpoProblem = checkDataProcessing(event);
  if (dpoProblem !== null) return fail(dpoProblem);
  return null;
}

function checkEventTime(eventTime: unknown, nowMs: number, index: number): GraphErrorSpec | null {
  if (typeof eventTime !== "number" || !Number.isInteger(eventTime) || eventTime <= 0) {
    return invalidParameter(index, "event_time must be an integer Unix timestamp in seconds");
  }
  if (eventTime > MAX_PLAUSIBLE_SECONDS) {
    return invalidParameter(index, "event_time must be in seconds; the value looks like milliseconds");
  }
  const eventMs = eventTime * 1000;
  if (nowMs - eventMs > SEVEN_DAYS_MS) {
    // Observed shape ("Which Graph API errors are retried", observed): subcode 2804003, whole request rejected.
    return invalidParameter(index, "The timestamp for this event is older than 7 days.", {
      error_subcode: 2804003,
      error_user_title: "Event Timestamp Too Old",
      error_user_msg:
        "The timestamp for this event is too far in the past. Events need to be sent from your server within 7 days " +
        "of when they occurred.",
    });
  }
  if (eventMs - nowMs > FUTURE_SKEW_MS) {
    return invalidParameter(index, "event_time is in the future", { error_user_title: "Event Timestamp In Future" });
  }
  return null;
}
