import { buildPurchaseFromOrder, DEFAULT_PURCHASE_SETTINGS } from "../../app/tracking/purchase-from-order";
import { outboxRowsFor } from "../../app/webhooks/outbox-rows";
import { numberedOrder } from "../../test/fixtures/factories";
import type { AppCommand, AppReady, AppReply } from "./app-protocol";
import { startHmacBaselineServer } from "./hmac-baseline-server";

// The app under test, in its own process (env comes from the bench): the real built server and, in the same
// process, the HMAC-only baseline server. The bench drives it over IPC and loads it over loopback HTTP.

const { startServer } = await import("../../server");
const { configureShop } = await import("../../app/shops/configure-shop.server");
const secret = process.env.SHOPIFY_API_SECRET ?? "";
const server = await startServer(0);
const baseline = await startHmacBaselineServer(secret);
const context = await server.appContext();

async function fill(command: Extract<AppCommand, { type: "fill" }>): Promise<number> {
  const nowMs = Date.now();
  const now = new Date(nowMs).toISOString();
  let total = 0;
  for (const [index, target] of command.shops.entries()) {
    let rows = [];
    for (let i = 0; i < command.perShop; i += 1) {
      const n = command.firstOrder + index * command.perShop + i;
      const mapping = await buildPurchaseFromOrder(numberedOrder(n, { processed_at: now }), {
        nowMs,
        settings: DEFAULT_PURCHASE_SETTINGS,
        storefrontUrl: `https://${target.shop}`,
      });
      if (mapping.kind !== "event") throw new Error(`bench order ${n} did not map: ${mapping.kind}`);
      rows.push(...outboxRowsFor(mapping, { shop: target.shop, destinations: [`meta:${target.pixelId}`], status: "pending", nowMs: nowMs }));
      // Small chunks keep the bench's own setup from inflating the app process's peak RSS.
      if (rows.length === 500) {
        total += (await context.outbox.enqueue(rows, nowMs)).inserted;
        rows = [];
      }
    }
    total += (await context.outbox.enqueue(rows, nowMs)).inserted;
  }
  return total;
}

async function handle(command: AppCommand): Promise<unknown> {
  switch (command.type) {
    case "configure":
      for (const s of command.shops) {
        await configureShop(context, s.shop, { pixelIds: [s.pixelId], accessToken: s.token, storefrontUrl: `https://${s.shop}` }, Date.now());
      }
      return command.shops.length;
    case "counts":
      return context.outbox.countByStatus();
    case "pause-worker":
      await context.worker.stop();
      return true;
    case "resume-worker":
      context.worker.start();
      context.worker.wake();
      return true;
    case "fill":
      return fill(command);
    case "cpu": {
      const used = process.cpuUsage();
      return (used.user + used.system) / 1000; // ms of CPU this process has used
    }
    case "memory":
      return process.memoryUsage();
    case "rss":
      return process.resourceUsage().maxRSS * 1024;
  }
}

process.on("message", (message: AppCommand) => {
  handle(message).then(
    (value) => process.send?.({ id: message.id, ok: true, value } satisfies AppReply),
    (error: unknown) => process.send?.({ id: message.id, ok: false, error: String(error) } satisfies AppReply),
  );
});
process.on("SIGTERM", () => {
  void Promise.all([baseline.close(), server.stop()]).finally(() => process.exit(0));
});
process.send?.({ type: "ready", port: server.port, baselinePort: baseline.port } satisfies AppReady);
