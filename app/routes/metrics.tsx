import { getAppContext } from "../context.server";
import { getMetrics } from "../observability/metrics.server";
import { renderMetrics } from "../observability/render-metrics.server";

// Prometheus scrape endpoint. It carries counts only (no shop, order or event ids), so it is served on the
// app's port without authentication; keep it off the public internet at the proxy if that matters to you.
export async function loader() {
  const { contentType, body } = await renderMetrics(getMetrics(), (await getAppContext()).outbox);
  return new Response(body, { status: 200, headers: { "Content-Type": contentType, "Cache-Control": "no-store" } });
}
