import type { Services, ServicesProvider } from "../services";
import { writeCollected, type CollectorWrite } from "../db/collector-writes.server";
import { createBatcher } from "../webhooks/ingest-batcher.server";
import { createCollectHandler, type CollectAnswer, type CollectorLimits, type CollectRequest } from "./collect-handler.server";
import { COLLECT_OUTCOME, collectorMetrics } from "./collector-metrics.server";
import { createCollectAdmission, DEFAULT_COLLECT_IN_FLIGHT, type CollectAdmission } from "./collect-admission";
import { busyWithWebhooks } from "../webhooks/webhook-pressure.server";
import { createBacklogGate } from "./funnel-backlog-gate";
import { countUnsentFunnel } from "../db/funnel-backlog.server";

// The collector as the production server runs it: the app context's shop cache, database and delivery queue,
// and its own group commit (the collector's writes are not webhooks: they have no receipt). Built on first use
// per app context, so a process that never receives an event builds nothing. server/collector-lane.ts reaches
// it through the server build's entry (app/entry.server.tsx), like the webhook handlers.

type Handle = (request: CollectRequest) => Promise<CollectAnswer>;

let built: { context: Services; handle: Handle } | undefined;
let limits: CollectorLimits | undefined;
let admission: CollectAdmission | undefined;

/** Rate limits and the in-flight cap for this process's collector (tests, the bench); apply from the next request on. */
export function configureCollector(options: { limits?: CollectorLimits }): void {
  limits = options.limits;
  built = undefined;
  admission = undefined;
}

/**
 * The process's one admission (collect-admission.ts): synchronous, so server/collector-lane.ts can shed before it
 * reads a byte of the body. Webhook pressure is the delivery worker's signal (decision 0033 says why the same).
 */
export function collectorAdmission(services: ServicesProvider): CollectAdmission {
  admission ??= createCollectAdmission({
    webhooksPressing: busyWithWebhooks,
    maxInFlight: limits?.inFlight ?? DEFAULT_COLLECT_IN_FLIGHT,
    shed: (reason) => {
      services()
        .then((context) => collectorMetrics(context.metrics.registry).record(COLLECT_OUTCOME.shed, reason))
        .catch(() => undefined);
    },
  });
  return admission;
}

function build(context: Services): Handle {
  const batcher = createBatcher((writes: readonly CollectorWrite[]) => writeCollected(context.database, writes, Date.now()));
  return createCollectHandler({
    shopConfigs: context.shopConfigs,
    write: (write) => batcher.submit(write),
    notify: (shop) => context.queue.notify(shop),
    appSecret: context.env.SHOPIFY_API_SECRET,
    trustedProxies: context.env.TRUST_PROXY,
    metrics: collectorMetrics(context.metrics.registry),
    limits,
    backlog: createBacklogGate({ cap: context.env.FUNNEL_BACKLOG_MAX, count: (shop, limit) => countUnsentFunnel(context.database, shop, limit) }),
    dropped: (reason, rows) => context.metrics.recordFunnelDropped(reason, rows),
  });
}

/** `services`: where the process's services come from (the server build's entry gives the composition root's). */
export async function handleCollectRequest(services: ServicesProvider, request: CollectRequest): Promise<CollectAnswer> {
  const context = await services();
  if (built?.context !== context) built = { context, handle: build(context) };
  return built.handle(request);
}
