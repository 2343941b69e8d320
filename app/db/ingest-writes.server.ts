import { CompiledQuery, type Kysely } from "kysely";
import type { Database, Engine } from "./connection.server";
import { toNewRecord, type NewDelivery } from "./outbox-types";
import type { NewDeliveryRecord, Schema } from "./schema";
import { withWriteTransaction } from "./write-transaction.server";
import { chunk } from "../lib/chunk";
import { withBrowserLedger, type BrowserTwin } from "./browser-ledger-ingest.server";

// What one accepted webhook stores: its receipt (X-Shopify-Webhook-Id) and the outbox rows it maps to.
// Many webhooks are written in ONE transaction (see app/webhooks/ingest-batcher.server.ts): a commit, not a
// statement, is what a busy webhook endpoint pays for, on SQLite (write lock, WAL append) and more so on
// PostgreSQL (round trips, WAL flush).

/**
 * The order a write's rows are the event of. Its rows carry `eventId`; if another order already owns that id
 * (decision 0015) they are stored under `fallbackEventId` (the order's own id) with provenance `collision`,
 * and if this order already has its event for `eventName`, nothing is stored.
 */
export type OrderClaim = {
  eventName: string;
  eventId: string;
  orderId: string;
  fallbackEventId: string;
  /** Set for orders a browser was at: recorded with the claim (migration 0012, decision 0029). */
  checkoutToken?: string | null;
  /** The id the browser's Purchase reported, when the ledger had it at ingest. */
  browserEventId?: string | null;
};

/** `browser`: the order's checkout, for a Purchase a browser was at (browser-ledger-ingest.server.ts). */
export type IngestWrite = { shop: string; topic: string; webhookId: string; rows: readonly NewDelivery[]; claim?: OrderClaim | null; browser?: BrowserTwin | null };

export const COLLISION_PROVENANCE = "collision";

// Receipts have 4 columns, claims 9, deliveries 17: both far below SQLite's 32,766 bound parameters at this size.
const CHUNK = 500;

const receiptKey = (write: { shop: string; topic: string; webhookId: string }) => `${write.shop}\n${write.topic}\n${write.webhookId}`;

/**
 * Stores each write whose webhook id was not seen before — receipt and rows together, atomically, so a crash
 * can never keep a receipt without its rows (Shopify's retry would then be dropped as a duplicate). Returns,
 * per write and in order, true when it was new and false for a re-delivery (an id already stored, or repeated
 * earlier in the same batch). A write with a claim first claims its event id for its order in order_events
 * (ON CONFLICT DO NOTHING on both of that table's unique keys, so concurrent webhooks cannot both win): the
 * same order under a new webhook id adds a receipt and no row; another order's id makes the rows fall back
 * to the order's own id. Rows insert with ON CONFLICT DO NOTHING on (shop, destination, event_name, event_id).
 */
export async function writeIngests(database: Database, given: readonly IngestWrite[], nowMs: number): Promise<boolean[]> {
  if (given.length === 0) return [];
  // The browser's purchase id, where the ledger has it, before anything claims an id (decision 0029).
  const writes = await withBrowserLedger(database.db, given, nowMs);
  const firstOfKey = new Map<string, number>();
  writes.forEach((write, index) => {
    if (!firstOfKey.has(receiptKey(write))) firstOfKey.set(receiptKey(write), index);
  });
  const candidates = [...firstOfKey.values()].map((index) => writes[index] as IngestWrite);

  if (database.engine === "postgres") return writeIngestsInOneStatement(database, writes, candidates, firstOfKey, nowMs);
  return withWriteTransaction(database, async (db) => {
    const inserted = new Set<string>();
    for (const part of chunk(candidates, CHUNK)) {
      const stored = await db.executeQuery<{ shop: string; topic: string; webhook_id: string }>(
        insertReceipts(database.engine, part, nowMs),
      );
      for (const row of stored.rows) inserted.add(receiptKey({ shop: row.shop, topic: row.topic, webhookId: row.webhook_id }));
    }
    const fresh = writes.map((write, index) => inserted.has(receiptKey(write)) && firstOfKey.get(receiptKey(write)) === index);
    const freshWrites = writes.filter((_, index) => fresh[index]);
    const owned = await claimOrderEvents(db, database.engine, freshWrites, nowMs);
    const rows = freshWrites.flatMap((write) => rowsToStore(write, owned.get(receiptKey(write))).map((row) => toNewRecord(row, nowMs)));
    for (const part of chunk(rows, CHUNK)) await insertDeliveries(db, database.engine, part);
    return fresh;
  });
}

// The two statements are written out rather than built with Kysely's query builder: they run for every
// webhook, and building + compiling a multi-row insert cost about as much as SQLite executing it. Plain
// SQL both engines accept (ON CONFLICT ... DO NOTHING, RETURNING); only the placeholders differ.

function placeholders(engine: Engine, rows: number, columns: number): string {
  let next = 0;
  const tuple = () => `(${Array.from({ length: columns }, () => (engine === "postgres" ? `$${++next}` : "?")).join(", ")})`;
  return Array.from({ length: rows }, tuple).join(", ");
}

function insertReceipts(engine: Engine, writes: readonly IngestWrite[], nowMs: number): CompiledQuery<{ shop: string; topic: string; webhook_id: string }> {
  const sql =
    `insert into webhook_receipts (shop, topic, webhook_id, received_at) values ${placeholders(engine, writes.length, 4)} ` +
    "on conflict (shop, topic, webhook_id) do nothing returning shop, topic, webhook_id";
  return CompiledQuery.raw(sql, writes.flatMap((write) => [write.shop, write.topic, write.webhookId, nowMs]));
}

/** How a claiming write came out: its own id, the fallback id (a collision), or nothing (the order has its event). */
type Owned = { eventId: string; collision: boolean };

const CLAIM_COLUMNS = "shop, event_name, event_id, order_id, topic, webhook_id, created_at, checkout_token, browser_event_id";

function insertClaims(
  engine: Engine,
  writes: readonly IngestWrite[],
  pick: (claim: OrderClaim) => string,
  nowMs: number,
): CompiledQuery<{ shop: string; topic: string; webhook_id: string }> {
  const sql =
    `insert into order_events (${CLAIM_COLUMNS}) values ${placeholders(engine, writes.length, 9)} ` +
    // No conflict target: either unique key (the id is owned, or the order already has its event) skips the row.
    "on conflict do nothing returning shop, topic, webhook_id";
  const params = writes.flatMap((write) => {
    const claim = write.claim as OrderClaim;
    return [write.shop, claim.eventName, pick(claim), claim.orderId, write.topic, write.webhookId, nowMs, claim.checkoutToken ?? null, claim.browserEventId ?? null];
  });
  return CompiledQuery.raw(sql, params);
}

/** SQLite (one writer, inside the write transaction): claim each write's id, then the fallback for the losers. */
async function claimOrderEvents(db: Kysely<Schema>, engine: Engine, writes: readonly IngestWrite[], nowMs: number): Promise<Map<string, Owned>> {
  const owned = new Map<string, Owned>();
  const claiming = writes.filter((write) => write.claim);
  for (const part of chunk(claiming, CHUNK)) {
    const won = await db.executeQuery(insertClaims(engine, part, (claim) => claim.eventId, nowMs));
    for (const row of won.rows) owned.set(receiptKey({ shop: row.shop, topic: row.topic, webhookId: row.webhook_id }), { eventId: "", collision: false });
  }
  const losers = claiming.filter((write) => !owned.has(receiptKey(write)));
  for (const part of chunk(losers, CHUNK)) {
    const fell = await db.executeQuery(insertClaims(engine, part, (claim) => claim.fallbackEventId, nowMs));
    for (const row of fell.rows) owned.set(receiptKey({ shop: row.shop, topic: row.topic, webhookId: row.webhook_id }), { eventId: "", collision: true });
  }
  for (const write of claiming) {
    const entry = owned.get(receiptKey(write));
    if (entry && write.claim) entry.eventId = entry.collision ? write.claim.fallbackEventId : write.claim.eventId;
  }
  return owned;
}

/** A fresh write's rows as stored: as given, under the fallback id, or none. */
function rowsToStore(write: IngestWrite, owned: Owned | undefined): readonly NewDelivery[] {
  if (!write.claim) return write.rows;
  if (owned === undefined) return [];
  if (!owned.collision) return write.rows;
  return write.rows.map((row) => ({
    ...row,
    eventId: owned.eventId,
    provenance: COLLISION_PROVENANCE,
    payload: row.payload === null ? null : { ...row.payload, event_id: owned.eventId },
  }));
}

// PostgreSQL: ONE statement, so one round trip instead of four (BEGIN, two inserts, COMMIT) — on the scale
// web process the socket writes of those round trips were a quarter of a webhook's CPU. Data-modifying CTEs
// run exactly once and together, atomically: the receipts that are new come back from `inserted`, and only
// rows whose webhook is among them are inserted. Parameters are cast, since VALUES lists carry no types.
const PG_TYPES: Record<(typeof DELIVERY_COLUMNS)[number], string> = {
  shop: "text",
  destination: "text",
  event_name: "text",
  event_id: "text",
  provenance: "text",
  order_id: "text",
  order_name: "text",
  event_time: "bigint",
  payload: "text",
  match_keys: "text",
  status: "text",
  status_reason: "text",
  attempts: "integer",
  next_attempt_at: "bigint",
  created_at: "bigint",
  updated_at: "bigint",
  order_kind: "text",
};

async function writeIngestsInOneStatement(
  database: Database,
  writes: readonly IngestWrite[],
  candidates: readonly IngestWrite[],
  firstOfKey: ReadonlyMap<string, number>,
  nowMs: number,
): Promise<boolean[]> {
  if (candidates.length > CHUNK) {
    // Far beyond what arrives together in practice; keep each statement's parameter count bounded.
    const results: boolean[] = [];
    for (const part of chunk(writes, CHUNK)) results.push(...(await writeIngests(database, part, nowMs)));
    return results;
  }
  const params: unknown[] = [];
  const param = (value: unknown, type: string) => {
    params.push(value);
    return `$${params.length}::${type}`;
  };
  const receiptTuples = candidates.map((w) => `(${param(w.shop, "text")}, ${param(w.topic, "text")}, ${param(w.webhookId, "text")})`);
  const receivedAt = param(nowMs, "bigint");
  const claimTuples = candidates.flatMap((w) =>
    w.claim
      ? [
          `(${[w.shop, w.topic, w.webhookId].map((v) => param(v, "text")).join(", ")}, ${[
            w.claim.eventName,
            w.claim.eventId,
            w.claim.orderId,
            w.claim.fallbackEventId,
            w.claim.checkoutToken ?? null,
            w.claim.browserEventId ?? null,
          ]
            .map((v) => param(v, "text"))
            .join(", ")})`,
        ]
      : [],
  );
  // Rows of first occurrences only; a repeat of a webhook id in this batch stores nothing.
  const rowTuples = candidates.flatMap((w) =>
    w.rows.map((row) => {
      const record = toNewRecord(row, nowMs);
      const key = [param(w.shop, "text"), param(w.topic, "text"), param(w.webhookId, "text"), param(Boolean(w.claim), "boolean")];
      const values = DELIVERY_COLUMNS.map((column) => param(record[column] ?? null, PG_TYPES[column]));
      return `(${[...key, ...values].join(", ")})`;
    }),
  );
  // Order ownership (decision 0015), in the same statement. `claimed` takes each new webhook's event id for its
  // order; `fallen` takes the order's own id for those that lost — but only once `claimed` has run to the end
  // (its NOT EXISTS reads all of it), and a unique key on (shop, event_name, order_id) stops an order that
  // already has its event. Both inserts name no conflict target, so either unique key skips a row, also
  // against a concurrent transaction's claim, which ON CONFLICT waits for. Rows join the claim of their own
  // webhook; a collision rewrites the payload's event_id to the fallback.
  const claimsCte =
    claimTuples.length === 0
      ? ""
      : `, incoming_claims (k_shop, k_topic, k_webhook_id, event_name, event_id, order_id, fallback_id, checkout_token, browser_event_id) as (values ${claimTuples.join(", ")}),
        wanted as (
          select c.* from incoming_claims c
          join inserted i on i.shop = c.k_shop and i.topic = c.k_topic and i.webhook_id = c.k_webhook_id
        ),
        claimed as (
          insert into order_events (${CLAIM_COLUMNS})
          select k_shop, event_name, event_id, order_id, k_topic, k_webhook_id, ${receivedAt}, checkout_token, browser_event_id from wanted
          on conflict do nothing
          returning shop, topic, webhook_id
        ),
        fallen as (
          insert into order_events (${CLAIM_COLUMNS})
          select w.k_shop, w.event_name, w.fallback_id, w.order_id, w.k_topic, w.k_webhook_id, ${receivedAt}, w.checkout_token, w.browser_event_id from wanted w
          where not exists (select 1 from claimed c where c.shop = w.k_shop and c.topic = w.k_topic and c.webhook_id = w.k_webhook_id)
          on conflict do nothing
          returning shop, topic, webhook_id, event_id
        )`;
  const columns = DELIVERY_COLUMNS.join(", ");
  const selected = DELIVERY_COLUMNS.map((c) => {
    if (claimTuples.length === 0) return `r.${c}`;
    if (c === "event_id") return "coalesce(f.event_id, r.event_id)";
    if (c === "provenance") return `case when f.event_id is null then r.provenance else '${COLLISION_PROVENANCE}' end`;
    if (c === "payload") return "case when f.event_id is null then r.payload else jsonb_set(r.payload::jsonb, '{event_id}', to_jsonb(f.event_id))::text end";
    return `r.${c}`;
  }).join(", ");
  const ownership =
    claimTuples.length === 0
      ? "where not r.k_claimed"
      : `left join claimed c on c.shop = r.k_shop and c.topic = r.k_topic and c.webhook_id = r.k_webhook_id
          left join fallen f on f.shop = r.k_shop and f.topic = r.k_topic and f.webhook_id = r.k_webhook_id
          where not r.k_claimed or c.shop is not null or f.shop is not null`;
  const rowsCte =
    rowTuples.length === 0
      ? ""
      : `, incoming_rows (k_shop, k_topic, k_webhook_id, k_claimed, ${columns}) as (values ${rowTuples.join(", ")}),
        stored as (
          insert into deliveries (${columns})
          select ${selected} from incoming_rows r
          join inserted i on i.shop = r.k_shop and i.topic = r.k_topic and i.webhook_id = r.k_webhook_id
          ${ownership}
          on conflict (shop, destination, event_name, event_id) do nothing
        )`;
  const sql = `with incoming (shop, topic, webhook_id) as (values ${receiptTuples.join(", ")}),
    inserted as (
      insert into webhook_receipts (shop, topic, webhook_id, received_at)
      select shop, topic, webhook_id, ${receivedAt} from incoming
      on conflict (shop, topic, webhook_id) do nothing
      returning shop, topic, webhook_id
    )${claimsCte}${rowsCte}
    select shop, topic, webhook_id from inserted`;
  const result = await database.db.executeQuery<{ shop: string; topic: string; webhook_id: string }>(CompiledQuery.raw(sql, params));
  const inserted = new Set(result.rows.map((row) => receiptKey({ shop: row.shop, topic: row.topic, webhookId: row.webhook_id })));
  return writes.map((write, index) => inserted.has(receiptKey(write)) && firstOfKey.get(receiptKey(write)) === index);
}

export const DELIVERY_COLUMNS = [
  "shop",
  "destination",
  "event_name",
  "event_id",
  "provenance",
  "order_id",
  "order_name",
  "event_time",
  "payload",
  "match_keys",
  "status",
  "status_reason",
  "attempts",
  "next_attempt_at",
  "created_at",
  "updated_at",
  "order_kind",
] as const satisfies ReadonlyArray<keyof NewDeliveryRecord>;

async function insertDeliveries(db: Kysely<Schema>, engine: Engine, rows: readonly NewDeliveryRecord[]): Promise<void> {
  const sql =
    `insert into deliveries (${DELIVERY_COLUMNS.join(", ")}) values ${placeholders(engine, rows.length, DELIVERY_COLUMNS.length)} ` +
    "on conflict (shop, destination, event_name, event_id) do nothing";
  await db.executeQuery(CompiledQuery.raw(sql, rows.flatMap((row) => DELIVERY_COLUMNS.map((column) => row[column] ?? null))));
}
