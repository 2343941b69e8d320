import { buildFunnelCapiEvent } from "../../app/collector/funnel-capi-event";
import { funnelRows } from "../../app/collector/funnel-rows";
import { parseCollectBody } from "../../app/collector/collect-body";
import { openDatabase } from "../../app/db/connection.server";
import { writeCollected, type CollectorWrite } from "../../app/db/collector-writes.server";
import { collectBodies, EVENTS_PER_SHOPPER } from "./collect-bodies";

// The funnel delivery benchmark's backlog: collector rows (one per event and configured pixel, provenance
// `collector`) made by the collector's own parse → map → rows steps from the pixel's own bodies, written by the
// BENCH process straight into the app's SQLite file, as fill-outbox.ts does for Purchase rows. Writing them
// through POST /collect instead would time the collector, not the delivery.
export async function fillFunnelOutbox(
  databaseUrl: string,
  shops: ReadonlyArray<{ shop: string; pixelId: string }>,
  events: number,
  firstShopper: number,
): Promise<number> {
  const database = await openDatabase(databaseUrl, { migrate: false });
  const pixelsOf = new Map(shops.map((s) => [s.shop, [s.pixelId]]));
  const nowMs = Date.now();
  const bodies = collectBodies(shops.map((s) => s.shop), firstShopper, Math.ceil(events / EVENTS_PER_SHOPPER), nowMs).slice(0, events);
  let writes: CollectorWrite[] = [];
  let total = 0;
  const flush = async () => {
    total += (await writeCollected(database, writes, nowMs)).filter(Boolean).length;
    writes = [];
  };
  try {
    for (const item of bodies) {
      const parsed = parseCollectBody(item.body, nowMs);
      if (!parsed.ok) throw new Error(`bench collector body refused: ${parsed.reason}`);
      const mapped = buildFunnelCapiEvent(parsed.event, { ipAddress: item.clientAddress, userAgent: "Mozilla/5.0 (bench)" }, nowMs);
      writes.push({ kind: "funnel", rows: funnelRows(item.shop, pixelsOf.get(item.shop) ?? [], mapped, nowMs) });
      if (writes.length === 500) await flush();
    }
    await flush();
  } finally {
    await database.close();
  }
  return total;
}
