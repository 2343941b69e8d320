// Operator CLI (DESIGN §10): `npm run tandem -- <command> [--flags]`.
// Exit code 0 on success; non-zero with one clear line on error.
import { parseArgs } from "node:util";
import { parseEnv } from "../app/env.server";
import { createAppContext, type AppContext } from "../app/context.server";
import { configureShop } from "../app/shops/configure-shop.server";
import { redriveDeliveries } from "../app/shops/redrive.server";
import { normalizeShopDomain } from "../app/shops/shop-domain";

const USAGE = `usage: npm run tandem -- <command>
  shops:configure --shop <domain> --pixel-id <id>[,<id>] --access-token <token> [--test-event-code <code>]
  shops:status --shop <domain>
  deliveries:list [--shop <domain>] [--status <status>] [--limit <n>]
  deliveries:redrive [--shop <domain>] --status dead|needs_attention`;

class UsageError extends Error {}

function required(value: string | undefined, flag: string): string {
  if (!value) throw new UsageError(`missing --${flag}`);
  return value;
}

type Flags = Record<string, string | undefined>;

const COMMANDS: Record<string, (context: AppContext, flags: Flags) => Promise<unknown>> = {
  async "shops:configure"(context, flags) {
    const shop = required(flags.shop, "shop");
    const config = await configureShop(
      context,
      shop,
      {
        pixelIds: required(flags["pixel-id"], "pixel-id").split(",").map((id) => id.trim()).filter(Boolean),
        accessToken: required(flags["access-token"], "access-token"),
        ...(flags["test-event-code"] !== undefined ? { testEventCode: flags["test-event-code"] || null } : {}),
      },
      Date.now(),
    );
    return { shop: config.shop, pixelIds: config.pixelIds, hasAccessToken: config.hasAccessToken };
  },
  async "shops:status"(context, flags) {
    const shop = required(flags.shop, "shop");
    const config = await context.shops.getShop(shop);
    if (!config) throw new UsageError(`unknown shop ${shop}`);
    // needsAttentionReason is the shop-wide (token) pause; pausedDestinations are single pixels, each with its cause.
    return {
      ...config,
      pausedDestinations: await context.shops.listDestinationPauses(shop),
      deliveries: await context.outbox.countByStatus(shop),
    };
  },
  async "deliveries:list"(context, flags) {
    const { rows } = await context.outbox.list({
      shop: flags.shop,
      status: flags.status as never,
      limit: Number(flags.limit ?? 50),
    });
    return rows.map(({ payload: _payload, ...row }) => row);
  },
  async "deliveries:redrive"(context, flags) {
    const status = required(flags.status, "status").replace("-", "_");
    if (status !== "dead" && status !== "needs_attention") throw new UsageError("--status must be dead or needs_attention");
    const count = await redriveDeliveries(context, { shop: flags.shop, status, nowMs: Date.now() });
    return { redriven: count };
  },
};

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  const handler = command ? COMMANDS[command] : undefined;
  if (!handler) {
    console.error(command ? `unknown command ${command}\n${USAGE}` : USAGE);
    return 2;
  }
  const { values } = parseArgs({
    args: rest,
    options: Object.fromEntries(
      ["shop", "pixel-id", "access-token", "test-event-code", "status", "limit"].map((name) => [name, { type: "string" as const }]),
    ),
  });
  // One spelling per shop (app/shops/shop-domain.ts): `--shop My-Shop.myshopify.com` is my-shop.myshopify.com.
  if (values.shop !== undefined) {
    const shop = normalizeShopDomain(values.shop);
    if (shop === null) throw new UsageError(`--shop must be a <name>.myshopify.com domain, got ${JSON.stringify(values.shop)}`);
    values.shop = shop;
  }
  // The CLI talks to the database only; Shopify credentials are not needed for it.
  const config = parseEnv({ SHOPIFY_API_KEY: "cli", SHOPIFY_API_SECRET: "cli", LOG_LEVEL: "warn", ...process.env, WORKER: "off" });
  const context = await createAppContext(config, { startWorker: false });
  try {
    const result = await handler(context, values);
    console.log(JSON.stringify(result, null, 2));
    return 0;
  } finally {
    await context.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`tandem: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
