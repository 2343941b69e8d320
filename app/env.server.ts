import { isIP } from "node:net";
import { z } from "zod";
import { errorMessage } from "./lib/error-message";

// The environment is parsed once, here; everything else reads the parsed object (the variables: README.md,
// Configuration).
// A missing or malformed variable stops the start with one clear line naming it.

const DEFAULT_GRAPH_VERSION = "v26.0";

const base64Key32 = z
  .string()
  .refine((value) => Buffer.from(value, "base64").length === 32, "must be 32 bytes, base64-encoded");

/** An IP address, not a host name (which could resolve to an address nobody meant to expose); also --metrics-host. */
export const ipAddress = z.string().refine((value) => isIP(value) !== 0, "must be an IP address, e.g. 127.0.0.1 or 0.0.0.0");

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  SHOPIFY_API_KEY: z.string().min(1),
  SHOPIFY_API_SECRET: z.string().min(1),
  SHOPIFY_APP_URL: z.string().url().default("http://localhost:3000"),
  SCOPES: z.string().optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  // Loopback unless told otherwise: behind a proxy on the same host nothing else needs to reach the app.
  // Containers and load balancers on other hosts set 0.0.0.0 (or ::). Not HOST: the Shopify CLI sets HOST
  // to the app's public URL for the processes it starts.
  BIND_ADDRESS: ipAddress.default("127.0.0.1"),
  // Set: GET /metrics on the app's port wants `Authorization: Bearer <token>`. Unset: /metrics is not served
  // there at all (404); METRICS_PORT serves it on a port of its own instead (docs/decisions/0019).
  METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  // How many proxies in front of the app append to X-Forwarded-For (true = 1). The collector takes the
  // shopper's address from that header only when this says so; 0 (default): the socket's peer, header ignored.
  TRUST_PROXY: z
    .string()
    .default("0")
    .pipe(z.string().regex(/^(true|false|\d)$/, "must be true, false or a number of proxies (0-9)"))
    .transform((value) => (value === "true" ? 1 : value === "false" ? 0 : Number(value))),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  // The metrics port (METRICS_PORT, the worker's --metrics-port) is token-free unless METRICS_TOKEN is set, so
  // it stays on loopback even where BIND_ADDRESS opens the app's port to the network: exposing it is a choice
  // of its own (0.0.0.0 where Prometheus scrapes from another host; docs/decisions/0037).
  METRICS_BIND_ADDRESS: ipAddress.default("127.0.0.1"),
  DATABASE_URL: z
    .string()
    .regex(/^(file:|postgres:\/\/|postgresql:\/\/)/, "must start with file: or postgres://")
    .default("file:./data/tandem.sqlite"),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, "must start with redis://").optional(),
  // Comma-separated: the first key encrypts, every key is tried on decrypt (rotation).
  TOKEN_ENCRYPTION_KEY: z
    .string()
    .min(1)
    .transform((value) => value.split(",").map((part) => part.trim()).filter(Boolean))
    .pipe(z.array(base64Key32).min(1)),
  META_GRAPH_URL: z.string().url().default("https://graph.facebook.com"),
  META_GRAPH_VERSION: z.string().regex(/^v\d+\.\d+$/, "must look like v26.0").default(DEFAULT_GRAPH_VERSION),
  WORKER: z.enum(["inline", "off"]).default("inline"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  // Hashed payloads go 8 days after the event's row was created whatever this says (Meta's 7-day window plus a
  // day, decision 0020): a smaller value purges sent, dead and skipped rows' payloads sooner; a larger one (30
  // was the default before that window) still parses and changes nothing.
  RETENTION_PAYLOAD_DAYS: z.coerce.number().int().min(1).default(8),
  // Webhook receipts only short-cut Shopify's redeliveries (48 h). Unset, it follows an explicit
  // RETENTION_PAYLOAD_DAYS, which set both before (parseEnv), else 30.
  RETENTION_RECEIPT_DAYS: z.coerce.number().int().min(1).default(30),
  RETENTION_METADATA_DAYS: z.coerce.number().int().min(1).default(90),
  // Funnel events (the collector's rows) are tens of times more numerous than orders and worth little once
  // Meta has them: a sent one goes this many hours after it was sent (docs/decisions/0030). Failed ones keep
  // RETENTION_METADATA_DAYS, so the merchant can see them.
  RETENTION_FUNNEL_HOURS: z.coerce.number().int().min(1).default(24),
  // Unsent funnel rows one shop may hold (a paused shop is how they pile up): past it the oldest give way,
  // never a Purchase, and the drop is counted (docs/decisions/0030).
  FUNNEL_BACKLOG_MAX: z.coerce.number().int().min(100).default(100_000),
  // Alert emails (docs/decisions/0021): off while SMTP_URL is unset. smtp:// (STARTTLS when offered) or smtps://.
  SMTP_URL: z.string().url().regex(/^smtps?:\/\//, "must look like smtp(s)://user:pass@host:port").optional(),
  ALERT_FROM: z.string().regex(/^[^\r\n]*@[^\r\n]+$/, "must be an address, e.g. Tandem <alerts@example.com>").optional(),
});

export type Env = z.infer<typeof EnvSchema>;

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = EnvSchema.safeParse(withRetentionAliases(source));
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const name = issue?.path.join(".") || "environment";
  const missing = issue !== undefined && issue.path.length === 1 && source[String(issue.path[0])] === undefined;
  const detail = missing ? "is required" : issue?.message;
  throw new EnvError(`Invalid environment: ${name} ${detail}`);
}

export class EnvError extends Error {}

/** For process entry points: one clear line on stderr and exit 1 instead of a stack trace. */
// Before RETENTION_RECEIPT_DAYS existed, RETENTION_PAYLOAD_DAYS set how long receipts were kept: a deployment
// that set it keeps that period.
function withRetentionAliases(source: Record<string, string | undefined>): Record<string, string | undefined> {
  if (source.RETENTION_RECEIPT_DAYS !== undefined || source.RETENTION_PAYLOAD_DAYS === undefined) return source;
  return { ...source, RETENTION_RECEIPT_DAYS: source.RETENTION_PAYLOAD_DAYS };
}

export function parseEnvOrExit(source: Record<string, string | undefined> = process.env): Env {
  try {
    return parseEnv(source);
  } catch (error) {
    console.error(errorMessage(error));
    process.exit(1);
  }
}

let cached: Env | undefined;

export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** For tests and scripts that change process.env before the app starts. */
export function resetEnvCache(): void {
  cached = undefined;
}

export function encryptionKeys(parsed: Env = env()): Buffer[] {
  return parsed.TOKEN_ENCRYPTION_KEY.map((key) => Buffer.from(key, "base64"));
}
