// Operator CLI (README.md, Operating it): `npm run tandem -- <command> [--flags]`.
// Exit code 0 on success (and for help); 2 for a command line that is wrong, 1 for anything else — each with
// one clear line. Arguments are checked before the environment is read or the database opened.
import { parseArgs } from "node:util";
import { parseEnv } from "../app/env.server";
import { createAppContext, type AppContext } from "../app/context.server";
import { configureShop } from "../app/shops/configure-shop.server";
import { createDataRequests } from "../app/db/data-requests.server";
import { redrive } from "../app/shops/redrive.server";
import { decodeDeliveryCursor } from "../app/db/delivery-pages.server";
import { reencryptSecrets } from "../app/db/reencrypt-secrets.server";
import { encryptionKeys } from "../app/env.server";
import { openDatabase, type Database } from "../app/db/connection.server";
import { buildShopDueIndexConcurrently } from "../app/db/migrations/0003-deliveries-shop-due-index";
import { normalizeShopDomain } from "../app/shops/shop-domain";
import { validateSettingsForm } from "../app/admin/settings-form";
import { PIXEL_ID_MAX_DIGITS, PIXEL_ID_MIN_DIGITS } from "../app/tracking/pixel-id";
import { DEFAULT_PURCHASE_SETTINGS } from "../app/tracking/purchase-settings";
import { parseAlertEmail } from "../app/alerts/alert-email";
import { ALL_DELIVERY_STATUSES, type DeliveryStatus } from "../app/db/outbox-types";
import { errorMessage } from "../app/lib/error-message";

const REDRIVE_STATUSES = ["dead", "needs_attention"] as const;
const MAX_LIST_LIMIT = 1000;

const USAGE = `usage: npm run tandem -- <command> [flags]

commands:
  shops:configure --shop <name>.myshopify.com --pixel-id <id>[,<id>…] --access-token <token> [--test-event-code <code>]
      what the settings page saves: pixel (dataset) ids are ${PIXEL_ID_MIN_DIGITS}–${PIXEL_ID_MAX_DIGITS} digits, at most 10; the token is the
      Conversions API token from Events Manager; an empty --test-event-code "" removes the stored one
  shops:status --shop <name>.myshopify.com
      the shop's configuration (never its token), paused pixels with Meta's cause, deliveries by status
  shops:alerts --shop <name>.myshopify.com (--email <address> | --clear)
      where alert emails go; --clear sends them to the shop owner's email again
  deliveries:list [--shop <name>.myshopify.com] [--status <status>] [--limit <1–${MAX_LIST_LIMIT}>] [--after <cursor>]
      newest first, 50 by default; <status>: ${ALL_DELIVERY_STATUSES.join(", ")}
      paged like Activity: when more rows follow, stderr names the next page's --after <cursor>
  deliveries:redrive [--shop <name>.myshopify.com] --status ${REDRIVE_STATUSES.join("|")}
      sends them again (needs_attention also lifts pixel pauses), as Activity's retry does; a shop whose
      pause still stands is left alone and listed with the reason
  db:build-due-index  (no flags)
      PostgreSQL, before upgrading a large database to migration 0003: builds its index without blocking
      inserts (CREATE INDEX CONCURRENTLY), so the migration has nothing left to build; runs no migration itself
  secrets:reencrypt  (no flags: the keys are TOKEN_ENCRYPTION_KEY's, comma-separated, the first one current)
      rewrites every stored token (Shopify sessions, Meta access tokens) under the first TOKEN_ENCRYPTION_KEY;
      the rotation step between deploying "<new>,<old>" and dropping <old>: run it until it reports zeros
  data-requests:list [--shop <name>.myshopify.com]
      customers/data_request records, newest first (50), with their status: gathering | ready
  data-requests:show --id <n>
      one request's report: the customer's events (order ids, dates, hashed match keys held), to pass on
  help, --help, -h
      this text

environment: DATABASE_URL (default file:./data/tandem.sqlite) and TOKEN_ENCRYPTION_KEY, the same values the app uses.`;

class UsageError extends Error {}

type Values = Record<string, string | boolean | undefined>;
type Command<Args> = {
  flags: readonly string[];
  booleans?: readonly string[];
  /** Checks the flags before anything else happens; throws UsageError. */
  check(values: Values): Args;
  run?(context: AppContext, args: Args): Promise<unknown>;
  /**
   * Instead of `run`: the command works on the database as it is, before any pending migration (a step an
   * upgrade's migrations depend on), so the app's context — which migrates on open — is not built.
   */
  runBeforeMigrations?(database: Database, args: Args): Promise<unknown>;
};

function text(values: Values, flag: string): string | undefined {
  const value = values[flag];
  return typeof value === "string" ? value : undefined;
}

function required(values: Values, flag: string): string {
  const value = text(values, flag);
  if (!value) throw new UsageError(`missing --${flag}`);
  return value;
}

/** One spelling per shop (app/shops/shop-domain.ts): `--shop My-Shop.myshopify.com` is my-shop.myshopify.com. */
function shopDomain(value: string): string {
  const shop = normalizeShopDomain(value);
  if (shop === null) throw new UsageError(`--shop must be a <name>.myshopify.com domain, got ${JSON.stringify(value)}`);
  return shop;
}

function optionalShop(values: Values): string | undefined {
  const value = text(values, "shop");
  return value === undefined ? undefined : shopDomain(value);
}

/** Statuses are written with an underscore; needs-attention is accepted too. */
function statusOf<S extends string>(value: string, valid: readonly S[]): S {
  const status = valid.find((candidate) => candidate === value.replace(/-/g, "_"));
  if (status === undefined) throw new UsageError(`--status must be one of ${valid.join(", ")}; got ${JSON.stringify(value)}`);
  return status;
}

function defineCommand<Args>(command: Command<Args>): Command<unknown> {
  return command as Command<unknown>;
}

const COMMANDS: Record<string, Command<unknown>> = {
  "shops:configure": defineCommand({
    flags: ["shop", "pixel-id", "access-token", "test-event-code"],
    check(values) {
      const shop = shopDomain(required(values, "shop"));
      const pixelIds = required(values, "pixel-id");
      const accessToken = required(values, "access-token");
      const testEventCode = text(values, "test-event-code");
      // The settings page's own validation, fed the flags; the page's other fields get their defaults here.
      const form = new FormData();
      Object.entries({ pixelIds, accessToken, testEventCode: testEventCode ?? "", valueSource: DEFAULT_PURCHASE_SETTINGS.valueSource, unknownConsent: DEFAULT_PURCHASE_SETTINGS.unknownConsent, catalogCountry: "" })
        .forEach(([name, value]) => form.set(name, value));
      const result = validateSettingsForm(form, false);
      const flagOf = { pixelIds: "pixel-id", accessToken: "access-token", testEventCode: "test-event-code" } as const;
      if (!result.ok) {
        const problems = Object.entries(flagOf).flatMap(([field, flag]) => {
          const message = result.errors[field as keyof typeof flagOf];
          return message === undefined ? [] : [`--${flag}: ${message}`];
        });
        throw problems.length > 0 ? new UsageError(problems.join(" ")) : new Error(`settings validation failed: ${JSON.stringify(result.errors)}`);
      }
      const { patch } = result;
      return {
        shop,
        patch: {
          pixelIds: patch.pixelIds,
          accessToken: patch.accessToken,
          ...(testEventCode !== undefined && { testEventCode: patch.testEventCode }),
        },
      };
    },
    async run(context, { shop, patch }) {
      const config = await configureShop(context, shop, patch, Date.now());
      return { shop: config.shop, pixelIds: config.pixelIds, hasAccessToken: config.hasAccessToken };
    },
  }),
  "shops:status": defineCommand({
    flags: ["shop"],
    check: (values) => shopDomain(required(values, "shop")),
    async run(context, shop) {
      const config = await context.shops.getShop(shop);
      if (!config) throw new Error(`unknown shop ${shop}`);
      // needsAttentionReason is the shop-wide (token) pause; pausedDestinations are single pixels, each with its cause.
      return {
        ...config,
        pausedDestinations: await context.shops.listDestinationPauses(shop),
        deliveries: await context.outbox.countByStatus(shop),
      };
    },
  }),
  "shops:alerts": defineCommand({
    flags: ["shop", "email"],
    booleans: ["clear"],
    check(values) {
      const shop = shopDomain(required(values, "shop"));
      const email = text(values, "email");
      if ((email === undefined) === (values.clear !== true)) throw new UsageError("give either --email <address> or --clear");
      if (email === undefined) return { shop, email: null };
      const parsed = parseAlertEmail(email);
      if (!parsed.ok || parsed.email === null) throw new UsageError(`--email: ${parsed.ok ? "give an address or use --clear" : parsed.message}`);
      return { shop, email: parsed.email };
    },
    async run(context, { shop, email }) {
      if ((await context.shops.getShop(shop)) === null) throw new Error(`unknown shop ${shop}`);
      const config = await context.shops.saveShopConfig(shop, { alertEmail: email }, Date.now());
      return { shop: config.shop, alertEmail: config.alertEmail };
    },
  }),
  "deliveries:list": defineCommand({
    flags: ["shop", "status", "limit", "after"],
    check(values) {
      const status = text(values, "status");
      const limit = text(values, "limit") ?? "50";
      if (!/^\d+$/.test(limit) || Number(limit) < 1 || Number(limit) > MAX_LIST_LIMIT) {
        throw new UsageError(`--limit must be a whole number from 1 to ${MAX_LIST_LIMIT}; got ${JSON.stringify(limit)}`);
      }
      const cursor = text(values, "after");
      const after = cursor === undefined ? null : decodeDeliveryCursor(cursor);
      if (cursor !== undefined && after === null) {
        throw new UsageError(`--after must be the cursor a previous page named (<created_at>_<id>); got ${JSON.stringify(cursor)}`);
      }
      return {
        shop: optionalShop(values),
        status: status === undefined ? undefined : statusOf<DeliveryStatus>(status, ALL_DELIVERY_STATUSES),
        limit: Number(limit),
        after,
      };
    },
    async run(context, options) {
      // The same keyset paging as Activity (app/db/delivery-pages): stdout stays the rows' JSON array.
      const { rows, nextCursor } = await context.outbox.list(options);
      if (nextCursor !== null) console.error(`more rows: add --after ${nextCursor}`);
      return rows.map(({ payload: _payload, ...row }) => row);
    },
  }),
  "deliveries:redrive": defineCommand({
    flags: ["shop", "status"],
    check: (values) => ({ shop: optionalShop(values), status: statusOf(required(values, "status"), REDRIVE_STATUSES) }),
    async run(context, { shop, status }) {
      // Activity's retry, with the rows moved here and now (this process is not the maintenance loop): a shop
      // whose pause still stands is left alone and listed with the reason (decision 0022).
      return redrive(context, { shop, status, nowMs: Date.now() }, "now");
    },
  }),
  // Key rotation (README, "Operating it"): the keys come from TOKEN_ENCRYPTION_KEY, first one current.
  "secrets:reencrypt": defineCommand({
    flags: [],
    check: () => null,
    run: (context) => reencryptSecrets(context.database, encryptionKeys(context.env)),
  }),
  // Upgrading a large PostgreSQL database to migration 0003 (README, "Deploying in scale mode").
  "db:build-due-index": defineCommand({
    flags: [],
    check: () => null,
    async runBeforeMigrations(database) {
      if (database.engine !== "postgres") {
        return { built: false, note: "SQLite has no concurrent index build; migration 0003 builds the index on start" };
      }
      const { valid } = await buildShopDueIndexConcurrently(database.db);
      if (!valid) {
        throw new Error(
          "deliveries_shop_due_idx exists but is invalid (an earlier concurrent build failed): run `drop index concurrently deliveries_shop_due_idx;` and this command again",
        );
      }
      return { built: true, index: "deliveries_shop_due_idx" };
    },
  }),
  // customers/data_request: what Tandem holds for the customer, gathered off the request path (decision 0020).
  "data-requests:list": defineCommand({
    flags: ["shop"],
    check: (values) => ({ shop: optionalShop(values) }),
    run: (context, { shop }) => createDataRequests(context.database).list({ shop }),
  }),
  "data-requests:show": defineCommand({
    flags: ["id"],
    check(values) {
      const id = required(values, "id");
      if (!/^\d+$/.test(id)) throw new UsageError(`--id must be a whole number; got ${JSON.stringify(id)}`);
      return Number(id);
    },
    async run(context, id) {
      const record = await createDataRequests(context.database).get(id);
      if (!record) throw new Error(`unknown data request ${id}`);
      const { matchHashes: _hashes, ...shown } = record;
      return shown;
    },
  }),
};

const HELP = new Set(["help", "--help", "-h"]);

function missingKeyHint(): string {
  return (
    "TOKEN_ENCRYPTION_KEY is not set. It is the key the app encrypts Meta access tokens with (32 bytes, base64): " +
    "give the CLI the same value as the app. For a new installation make one with `openssl rand -base64 32`."
  );
}

async function main(): Promise<number> {
  const [name, ...rest] = process.argv.slice(2);
  if (name === undefined || HELP.has(name) || rest.some((arg) => arg === "--help" || arg === "-h")) {
    (name === undefined ? console.error : console.log)(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`tandem: unknown command ${name}; commands: ${Object.keys(COMMANDS).join(", ")} (help: npm run tandem -- --help)`);
    return 2;
  }
  let args: unknown;
  try {
    const { values } = parseArgs({
      args: rest,
      strict: true,
      options: {
        ...Object.fromEntries(command.flags.map((flag) => [flag, { type: "string" as const }])),
        ...Object.fromEntries((command.booleans ?? []).map((flag) => [flag, { type: "boolean" as const }])),
      },
    });
    args = command.check(values);
  } catch (error) {
    // parseArgs names an unknown flag or a flag without its value in its own words, sometimes over several
    // lines (`--limit -3`): they are joined, so a refusal is always one line.
    const message = error instanceof UsageError || (error instanceof TypeError && "code" in error) ? error.message.replace(/\s*\n\s*/g, " ") : null;
    if (message === null) throw error;
    console.error(`tandem: ${message}`);
    return 2;
  }
  if (!process.env.TOKEN_ENCRYPTION_KEY) throw new Error(missingKeyHint());
  // The CLI talks to the database only; Shopify credentials are not needed for it.
  const config = parseEnv({ SHOPIFY_API_KEY: "cli", SHOPIFY_API_SECRET: "cli", LOG_LEVEL: "warn", ...process.env, WORKER: "off" });
  if (command.runBeforeMigrations) {
    const database = await openDatabase(config.DATABASE_URL, { migrate: false, poolMax: 1, checkpointThread: false });
    try {
      console.log(JSON.stringify(await command.runBeforeMigrations(database, args), null, 2));
      return 0;
    } finally {
      await database.close();
    }
  }
  // The CLI is no web process: no delivery worker and no retention (both follow startWorker), and no alert
  // emails (decision 0021: web processes send them), which a command running past the alert check's first
  // minute would otherwise check and mail from here.
  const context = await createAppContext(config, { startWorker: false, alerts: false });
  try {
    const result = await command.run?.(context, args);
    console.log(JSON.stringify(result, null, 2));
    return 0;
  } finally {
    await context.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`tandem: ${errorMessage(error)}`);
    process.exit(1);
  },
);
