import { META_ERROR_CLASS, type MetaErrorClass, type MetaErrorDetail } from "./types";

// Meta's error table (docs/meta-capi-facts.md, "Graph API errors"). The order of the checks is the policy:
// 1. anything Meta or the network says is temporary is retried, whatever the code;
// 2. then the code decides (configuration before payload, because 100/33 is a wrong pixel, not a bad event);
// 3. with no recognisable code, the HTTP status decides (429 and 5xx retry, other 4xx are the request's fault).

const TRANSIENT_CODES = new Set([1, 2, 4, 17, 341, 613]);
const CONFIGURATION_CODES = new Set([10, 102, 190, 368]);
const INVALID_PARAMETER = 100;
const UNSUPPORTED_POST_SUBCODE = 33;
export const TOO_OLD_SUBCODE = 2804003;

export type ClassifyInput = Pick<MetaErrorDetail, "httpStatus" | "code" | "subcode" | "isTransient">;

export function classifyMetaError(input: ClassifyInput): MetaErrorClass {
  const { httpStatus, code, subcode, isTransient } = input;
  // No HTTP status at all means the request never completed: network failure or timeout.
  if (httpStatus === null) return META_ERROR_CLASS.transient;
  if (isTransient === true) return META_ERROR_CLASS.transient;
  if (httpStatus >= 500) return META_ERROR_CLASS.transient;
  if (code !== null) {
    const byCode = classifyCode(code, subcode);
    if (byCode !== null) return byCode;
  }
  if (httpStatus === 429) return META_ERROR_CLASS.transient;
  return META_ERROR_CLASS.payload;
}

function classifyCode(code: number, subcode: number | null): MetaErrorClass | null {
  if (TRANSIENT_CODES.has(code) || isBusinessUseCaseLimit(code)) return META_ERROR_CLASS.transient;
  if (CONFIGURATION_CODES.has(code) || isPermissionCode(code)) return META_ERROR_CLASS.configuration;
  if (code === INVALID_PARAMETER) {
    return subcode === UNSUPPORTED_POST_SUBCODE ? META_ERROR_CLASS.configuration : META_ERROR_CLASS.payload;
  }
  return null;
}

// 80000, 80003, 80004, 80014 are documented; Meta adds new 80xxx business-use-case limits over time.
function isBusinessUseCaseLimit(code: number): boolean {
  return code >= 80_000 && code <= 80_999;
}

function isPermissionCode(code: number): boolean {
  return code >= 200 && code <= 299;
}

// What a configuration error stops (decision 0016). Meta's error-handling guide ties 190 (and its subcodes),
// 102, 10 and 200-299 to the access token and its permissions, and 368 to the app or account behind it: every
// destination sending with that token would fail the same way. 100/33 says the object in the path (the pixel)
// does not exist or cannot be loaded with this token: the shop's other pixels are not affected.
export const PAUSE_SCOPE = { token: "token", destination: "destination" } as const;
export type PauseScope = (typeof PAUSE_SCOPE)[keyof typeof PAUSE_SCOPE];

export function pauseScopeOf(input: Pick<MetaErrorDetail, "code" | "subcode">): PauseScope {
  if (input.code === INVALID_PARAMETER && input.subcode === UNSUPPORTED_POST_SUBCODE) return PAUSE_SCOPE.destination;
  return PAUSE_SCOPE.token;
}

// 2804003 "Event Timestamp Too Old": retrying can never succeed, and it is worth naming in the dead reason.
export function isTooOldError(input: Pick<MetaErrorDetail, "code" | "subcode">): boolean {
  return input.code === INVALID_PARAMETER && input.subcode === TOO_OLD_SUBCODE;
}
