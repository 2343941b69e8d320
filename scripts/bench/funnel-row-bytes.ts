import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { parseCollectBody } from "../../app/collector/collect-body";
import { buildFunnelCapiEvent } from "../../app/collector/funnel-capi-event";
import { funnelRows } from "../../app/collector/funnel-rows";
import { writeCollected, type CollectorWrite } from "../../app/db/collector-writes.server";
import { openDatabase, type Database } from "../../app/db/connection.server";
import { collectBodies, EVENTS_PER_SHOPPER } from "./collect-bodies";

// Bytes a funnel event costs on SQLite (decision 0030): N events made by the pixel's own bodies and the
// collector's own parse → map → rows steps, one pixel, written into a fresh file; then SQLite's dbstat says how
// many bytes of pages the deliveries table and each of its indexes hold. `npx tsx scripts/bench/funnel-row-bytes.ts [N]`.

const USER_AGENT =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

async function main(): Promise<void> {
  const events = Number(process.argv[2] ?? 20_000);
  const dir = await mkdtemp(join(tmpdir(), "tandem-funnel-bytes-"));
  const database = await openDatabase(`file:${join(dir, "tandem.sqlite")}`, { checkpointThread: false });
  try {
    const nowMs = Date.now();
    const shop = "bytes.myshopify.com";
    const bodies = collectBodies([shop], 0, Math.ceil(events / EVENTS_PER_SHOPPER), nowMs).slice(0, events);
    let writes: CollectorWrite[] = [];
    for (const item of bodies) {
      const parsed = parseCollectBody(item.body, nowMs);
      if (!parsed.ok) throw new Error(`collector body refused: ${parsed.reason}`);
      const shopper = { ipAddress: item.clientAddress, userAgent: USER_AGENT, storefrontUrl: `https://${shop}` };
      writes.push({ kind: "funnel", rows: funnelRows(shop, ["123456789012345"], buildFunnelCapiEvent(parsed.event, shopper, nowMs), nowMs) });
      if (writes.length === 500) {
        await writeCollected(database, writes, nowMs);
        writes = [];
      }
    }
    await writeCollected(database, writes, nowMs);
    await report(database, "waiting (pending)");
    // The same rows once Meta has them: out of the unsent index, into the sent one, for RETENTION_FUNNEL_HOURS.
    await sql`update deliveries set status = 'sent', sent_at = ${nowMs}, fbtrace_id = 'AbCdEfGhIjKlMnOpQrStUvW', events_received = 1`.execute(database.db);
    await report(database, "sent");
  } finally {
    await database.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function report(database: Database, state: string): Promise<void> {
  {
    await sql`vacuum`.execute(database.db);
    const rows = Number((await sql<{ n: number }>`select count(*) as n from deliveries`.execute(database.db)).rows[0]?.n ?? 0);
    const stat = await sql<{ name: string; bytes: number }>`
      select name, sum(pgsize) as bytes from dbstat
      where name = 'deliveries' or name in (select name from sqlite_schema where tbl_name = 'deliveries' and type = 'index')
      group by name order by bytes desc`.execute(database.db);
    const columns = await sql<{ payload: number; match_keys: number }>`
      select avg(length(payload)) as payload, avg(length(match_keys)) as match_keys from deliveries`.execute(database.db);
    let total = 0;
    for (const { name, bytes } of stat.rows) {
      total += Number(bytes);
      console.log(`${name.padEnd(40)} ${(Number(bytes) / rows).toFixed(0).padStart(6)} bytes/row`);
    }
    console.log(`${"total (table + indexes)".padEnd(40)} ${(total / rows).toFixed(0).padStart(6)} bytes/row over ${rows} rows, ${state}`);
    console.log(`payload JSON ${Number(columns.rows[0]?.payload).toFixed(0)} chars, match_keys ${Number(columns.rows[0]?.match_keys).toFixed(0)} chars (averages)\n`);
  }
}

await main();
