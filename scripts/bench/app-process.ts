import { monitorEventLoopDelay } from "node:perf_hooks";
import type { AppCommand, AppReady, AppReply } from "./app-protocol";
import { startHmacBaselineServer } from "./hmac-baseline-server";
import { startJsonBaselineServer } from "./json-baseline-server";
import { countWaitingFunnelEventsAll } from "../../app/db/funnel-backlog.server";

// The app under test, in its own process (env comes from the bench): the real built server and, in the same
// process, the HMAC-only baseline server. The bench drives it over IPC and loads it over loopback HTTP.

const { startServer } = await import("../../server/http-server");
const { configureShop } = await import("../../app/shops/configure-shop.server");
const secret = process.env.SHOPIFY_API_SECRET ?? "";
const server = await startServer(0);
const baseline = await startHmacBaselineServer(secret);
const collectBaseline = await startJsonBaselineServer();
const context = await server.appContext();
// Event-loop delay in the app process, reset per phase: tells a stall inside the app from one elsewhere.
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();

async function handle(command: AppCommand): Promise<unknown> {
  switch (command.type) {
    case "configure":
      for (const s of command.shops) {
        await configureShop(context, s.shop, { pixelIds: [s.pixelId], accessToken: s.token, storefrontUrl: `https://${s.shop}` }, Date.now());
      }
      return command.shops.length;
    case "counts": {
      // Funnel events waiting in their own queue (decision 0034) are pending too: a phase waits for them.
      const counts = await context.outbox.countByStatus();
      return { ...counts, pending: counts.pending + (await countWaitingFunnelEventsAll(context.database, 1_000_000)) };
    }
    case "pause-worker":
      await context.worker.stop();
      return true;
    case "resume-worker":
      context.worker.start();
      context.worker.wake();
      return true;
    case "collector-answers": {
      // The collector's answers so far by outcome and reason (its /metrics counter): what a non-204 was.
      const metric = await context.metrics.registry.getSingleMetricAsString("tandem_collector_requests_total").catch(() => "");
      const counts: Record<string, number> = {};
      for (const line of metric.split("\n")) {
        const match = /^tandem_collector_requests_total\{(.*)\} (\d+)/.exec(line);
        if (match) counts[match[1] ?? ""] = Number(match[2]);
      }
      return counts;
    }
    case "cpu": {
      const used = process.cpuUsage();
      return (used.user + used.system) / 1000; // ms of CPU this process has used
    }
    case "loop-delay": {
      const figures = { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 };
      loopDelay.reset();
      return figures;
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
  void Promise.all([baseline.close(), collectBaseline.close(), server.stop()]).finally(() => process.exit(0));
});
process.send?.({ type: "ready", port: server.port, baselinePort: baseline.port, collectBaselinePort: collectBaseline.port } satisfies AppReady);
