import pino, { type Logger } from "pino";

// Structured logs carry shop and event ids, never PII or tokens. The redact list is a second line of
// defence: code must not put those values in log objects to begin with.
const REDACT = [
  "accessToken",
  "access_token",
  "token",
  "*.accessToken",
  "*.access_token",
  "email",
  "phone",
  "*.email",
  "*.phone",
  "payload",
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, base: { app: "tandem" }, redact: { paths: REDACT, censor: "[redacted]" } }, destination);
}

export type { Logger };
