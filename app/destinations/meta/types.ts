// What the rest of the app needs to know about one Graph API call, independent of HTTP details.

export const META_ERROR_CLASS = {
  transient: "transient",
  configuration: "configuration",
  payload: "payload",
} as const;
export type MetaErrorClass = (typeof META_ERROR_CLASS)[keyof typeof META_ERROR_CLASS];

// The Graph API error envelope's useful fields, after validation. Missing values are null, never undefined,
// so logs and stored reasons show them explicitly.
export type MetaErrorDetail = {
  httpStatus: number | null;
  code: number | null;
  subcode: number | null;
  title: string | null;
  message: string;
  isTransient: boolean | null;
  fbtraceId: string | null;
};

export type MetaSendSuccess = {
  ok: true;
  eventsReceived: number;
  fbtraceId: string | null;
  messages: string[];
};

export type MetaSendFailure = {
  ok: false;
  errorClass: MetaErrorClass;
  httpStatus: number | null;
  code: number | null;
  subcode: number | null;
  title: string | null;
  message: string;
  fbtraceId: string | null;
};

export type MetaSendResult = MetaSendSuccess | MetaSendFailure;

export type MetaSendInput = {
  pixelId: string;
  accessToken: string;
  events: readonly unknown[];
  testEventCode?: string | null;
};

export type MetaGraphClient = {
  sendEvents(input: MetaSendInput): Promise<MetaSendResult>;
  /**
   * One read of the pixel with a token (GET /{pixel}): whether Meta accepts the token and it reaches the pixel.
   * The worker uses it to confirm a token error before pausing a shop and to re-check a paused shop's token
   * (decision 0025); settings and retry use the same read. A client without it pauses on the first refusal.
   */
  checkAccess?(input: { pixelId: string; accessToken: string }): Promise<{ ok: true } | MetaSendFailure>;
};
