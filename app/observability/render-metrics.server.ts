import type { Metrics } from "./metrics.server";

export type OutboxCounter = { countByStatus(): Promise<Readonly<Record<string, number>>> };

/**
 * The Prometheus text for one scrape. Outbox depth is counted here rather than tracked incrementally: the
 * database is shared by every web and worker process, so only a count from it is right for all of them.
 */
export async function renderMetrics(metrics: Metrics, outbox: OutboxCounter): Promise<{ contentType: string; body: string }> {
  metrics.setOutboxDepth(await outbox.countByStatus());
  return { contentType: metrics.registry.contentType, body: await metrics.registry.metrics() };
}
