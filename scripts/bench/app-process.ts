import { monitorEventLoopDelay } from "node:perf_hooks";
import type { AppCommand, AppReady, AppReply } from "./app-protocol";
import { startHmacBaselineServer } from "./hmac-baseline-server";
import { startJsonBaselineServer } from "./json-baseline-server";

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
    case "counts":
      return context.outbox.countByStatus();
    case "pause-worker":
      await context.worker.stop();
      return true;
    case "resume-worker":
      context.worker.start();
      context.worker.wake();
      return true;
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
