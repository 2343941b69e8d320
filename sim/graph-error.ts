import { randomBytes } from "node:crypto";

// The Graph API error envelope (docs/meta-capi-facts.md, "Which Graph API errors are retried"). `is_transient` is
// observed in real responses.
export type GraphError = {
  message: string;
  type: string;
  code: number;
  error_subcode?: number;
  error_user_title?: string;
  error_user_msg?: string;
  is_transient: boolean;
  fbtrace_id: string;
};

export type GraphErrorSpec = Omit<GraphError, "fbtrace_id">;

export type GraphErrorBody = { error: GraphError };

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

// Real trace ids look like "AbCdEf123_-xyz"; the simulator only needs them unique and opaque.
export function makeFbtraceId(length = 23): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const byte of bytes) out += ALNUM[byte % ALNUM.length];
  return out;
}

export function graphErrorBody(spec: GraphErrorSpec): GraphErrorBody {
  return { error: { ...spec, fbtrace_id: makeFbtraceId() } };
}

export function invalidParameter(
  index: number | null,
  detail: string,
  extra: Partial<GraphErrorSpec> = {},
): GraphErrorSpec {
  const where = index === null ? "" : ` (data[${index}])`;
  return {
    message: `(#100) Invalid parameter${where}: ${detail}`,
    type: "OAuthException",
    code: 100,
    error_user_title: "Invalid parameter",
    error_user_msg: detail,
    is_transient: false,
    ...extra,
  };
}

export function unsupportedPost(pixelId: string): GraphErrorSpec {
  return {
    message:
      `Unsupported post request. Object with ID '${pixelId}' does not exist, cannot be loaded due to missing ` +
      "permissions, or does not support this operation.",
    type: "GraphMethodException",
    code: 100,
    error_subcode: 33,
    is_transient: false,
  };
}

export function tokenError(subcode: number | undefined, message: string): GraphErrorSpec {
  const spec: GraphErrorSpec = { message, type: "OAuthException", code: 190, is_transient: false };
  if (subcode !== undefined) spec.error_subcode = subcode;
  return spec;
}

export const THROTTLE_CODE = { app: 4, user: 17, api: 613, businessUseCase: 80004 } as const;
export type ThrottleCode = (typeof THROTTLE_CODE)[keyof typeof THROTTLE_CODE];

const THROTTLE_DETAIL: Record<ThrottleCode, { subcode?: number; message: string }> = {
  4: { subcode: 1504022, message: "(#4) Application request limit reached" },
  17: { subcode: 2446079, message: "(#17) User request limit reached" },
  613: { subcode: 1487742, message: "(#613) Calls to this api have exceeded the rate limit." },
  80004: { message: "(#80004) There have been too many calls to this ad-account. Wait a bit and try again." },
};

export function throttleError(code: ThrottleCode): GraphErrorSpec {
  const detail = THROTTLE_DETAIL[code];
  const spec: GraphErrorSpec = { message: detail.message, type: "OAuthException", code, is_transient: true };
  if (detail.subcode !== undefined) spec.error_subcode = detail.subcode;
  return spec;
}
