import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { activityPageQuery, allActivity, decodeCursor, listActivity, parseActivityParams, redriveActivity } from "../../app/admin/activity.server";
import { activityCsvHeader, activityCsvLine } from "../../app/admin/activity-csv";
import { createMaintenance } from "../../app/maintenance/bulk-jobs.server";
import { useTestApp } from "../support/app";
import { deliveryRow, insertDeliveryRows } from "../support/rows";

const SHOP = "busy-shop.myshopify.com";
const OTHER = "other-shop.myshopify.com";
const ROWS = 100_000;
const START = Date.UTC(2026, 0, 1);

const app = useTestApp({ per: "file" });

// 100,000 rows for one shop (plus a neighbour's), one every second, a few failed along the way.
beforeAll(async () => {
  const status = (index: number) => (index % 1000 === 7 ? "dead" : index % 500 === 3 ? "needs_attention" : "sent");
  const rows = Array.from({ length: ROWS + 100 }, (_, index) =>
    deliveryRow({
      shop: index < ROWS ? SHOP : OTHER,
      event_id: `evt_${index}`,
      provenance: "note_attribute",
      order_id: String(index),
      order_name: `#${index}`,
      event_time: Math.floor((START + index * 1000) / 1000),
      payload: JSON.stringify({ event_name: "Purchase", custom_data: { value: index % 100, currency: "eur" }, user_data: { em: ["a".repeat(64)] } }),
      match_keys: '["em"]',
      status: status(index),
      status_reason: status(index) === "dead" ? `Meta error 100: bad ${index}` : null,
      attempts: 1,
      next_attempt_at: START,
      created_at: START + index * 1000,
      updated_at: START,
    }),
  );
  await insertDeliveryRows(app.context.database.db, rows, 500);
}, 120_000);

describe("listActivity", () => {
  it("pages newest first with keyset cursors, without gaps or repeats, only for the shop", async () => {
    const first = await listActivity(app.context, { shop: SHOP, limit: 50 });
    expect(first.rows).toHaveLength(50);
    expect(first.rows[0]?.orderName).toBe(`#${ROWS - 1}`);
    const second = await listActivity(app.context, { shop: SHOP, limit: 50, cursor: first.nextCursor });
    expect(second.rows[0]?.orderName).toBe(`#${ROWS - 51}`);
    expect(new Set([...first.rows, ...second.rows].map((row) => row.id)).size).toBe(100);
    expect(decodeCursor(first.nextCursor)).toEqual({ createdAt: START + (ROWS - 50) * 1000, id: first.rows.at(-1)?.id });
  });

  it("filters by status and reaches the last page", async () => {
    const dead = await listActivity(app.context, { shop: SHOP, status: "dead", limit: 60 });
    expect(dead.rows.filter((row) => !(row.status === "dead" && row.statusReason?.startsWith("Meta error 100")))).toEqual([]);
    expect(dead.rows).toHaveLength(60);
    const rest = await listActivity(app.context, { shop: SHOP, status: "dead", limit: 60, cursor: dead.nextCursor });
    expect(rest.rows).toHaveLength(40);
    expect(rest.nextCursor).toBeNull();
  });

  it("finds an order by name (with or without #) or id, and only in the shop", async () => {
    for (const search of ["#4242", "4242"]) {
      const found = await listActivity(app.context, { shop: SHOP, order: search });
      expect(found.rows.map((row) => row.orderName)).toEqual(["#4242"]);
      expect(found.rows[0]?.value).toEqual({ amount: 42, currency: "EUR" });
    }
    expect((await listActivity(app.context, { shop: OTHER, order: "4242" })).rows).toEqual([]);
    expect((await listActivity(app.context, { shop: OTHER, order: String(ROWS + 5) })).rows.map((row) => row.orderId)).toEqual([String(ROWS + 5)]);
  });

  it("filters by days in the shop's time zone and keeps keyset paging inside the range", async () => {
    // GIVEN rows one per second from 2026-01-01 00:00 UTC; Tokyo's 2026-01-01 ends at 15:00 UTC
    const { query, form } = parseActivityParams(SHOP, new URLSearchParams({ from: "2026-01-01", to: "2026-01-01", status: "sent" }), "Asia/Tokyo");
    expect(form).toEqual({ status: "sent", order: "", from: "2026-01-01", to: "2026-01-01", events: "" });
    expect(query.toMs).toBe(START + 15 * 3_600_000);
    const first = await listActivity(app.context, { ...query, limit: 10 });
    expect(first.rows[0]?.createdAt).toBeLessThan(START + 15 * 3_600_000);
    const second = await listActivity(app.context, { ...query, limit: 10, cursor: first.nextCursor });
    expect(second.rows[0]?.createdAt).toBeLessThan(first.rows.at(-1)?.createdAt ?? 0);
    // Malformed filters are dropped, never an error.
    expect(parseActivityParams(SHOP, new URLSearchParams({ from: "2026-02-30", status: "bogus" }), "UTC").form).toEqual({ status: "", order: "", from: "", to: "", events: "" });
  });

  it("answers a deep page fast, walking the (shop, created_at) index rather than sorting the table", async () => {
    // EXPLAIN QUERY PLAN of the real page query, its values inlined.
    const compiled = activityPageQuery(app.context, { shop: SHOP, cursor: `${START + 50_000_000}_50000` }).compile();
    let text = compiled.sql;
    for (const parameter of compiled.parameters) text = text.replace("?", typeof parameter === "string" ? `'${parameter}'` : String(parameter));
    const rows = await sql.raw(`EXPLAIN QUERY PLAN ${text}`).execute(app.context.database.db);
    const detail = (rows.rows as Array<{ detail: string }>).map((row) => row.detail).join(" | ");
    expect(detail).toMatch(/deliveries_shop_created_idx/);
    expect(detail).not.toMatch(/TEMP B-TREE/);

    const started = performance.now();
    for (let page = 0; page < 20; page += 1) await listActivity(app.context, { shop: SHOP, cursor: `${START + (ROWS - page * 4000) * 1000}_${ROWS - page * 4000}` });
    await listActivity(app.context, { shop: SHOP, status: "dead" });
    // Generous: 21 page queries over 100k rows; a full scan-and-sort per page would take far longer.
    expect(performance.now() - started).toBeLessThan(1500);
  });
});

describe("the CSV export", () => {
  it("has ids, statuses, values and key names, never the hashed customer data, and defuses formulas", async () => {
    const rows: string[] = [];
    for await (const page of allActivity(app.context, { shop: SHOP, order: "#4242" })) rows.push(...page.map(activityCsvLine));
    expect(activityCsvHeader()).toMatch(/^received_at,order_name,order_id,/);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain(",#4242,4242,Purchase,evt_4242,");
    expect(rows[0]).toContain(",Sent,,,42,EUR,1234567890,Email,");
    expect(rows.join("")).not.toContain("a".repeat(64));
    const first = (await listActivity(app.context, { shop: SHOP, order: "#4242" })).rows[0];
    if (!first) throw new Error("row missing");
    expect(activityCsvLine({ ...first, orderName: "=HYPERLINK(1)", statusReason: 'Meta said "no", twice' })).toContain(`'=HYPERLINK(1),`);
    expect(activityCsvLine({ ...first, statusReason: 'Meta said "no", twice' })).toContain('"Meta said ""no"", twice"');
  });

  it("walks every page of a filter", async () => {
    let count = 0;
    for await (const page of allActivity(app.context, { shop: SHOP, status: "needs_attention" }, 37)) count += page.length;
    expect(count).toBe(200);
  });
});

describe("redriveActivity", () => {
  it("requeues only the shop's failed rows and leaves others alone", async () => {
    // GIVEN the admin queues the redrive (a maintenance job, decision 0020), WHEN the maintenance loop runs it
    const { queued, refused } = await redriveActivity(app.context, SHOP, "dead", START);
    expect(refused).toBeNull();
    expect(queued).toBe(100);
    const maintenance = createMaintenance({ database: app.context.database, logger: { info: () => {}, warn: () => {} }, owner: "activity-test", gapMs: 0 });
    expect(await maintenance.runJobs()).toBe(1);
    // THEN the shop's failed rows are pending again, and nothing else moved
    const left = await app.context.outbox.countByStatus(SHOP);
    expect(left.dead).toBe(0);
    expect(left.pending).toBe(100);
    expect(left.needs_attention).toBe(200);
  });

  it("refuses while the shop's token pause stands, saying why, and moves nothing", async () => {
    // GIVEN a shop paused because Meta refused its token, with two purchases waiting
    const paused = "paused-shop.myshopify.com";
    await app.context.shops.saveShopConfig(paused, { pixelIds: ["1234567890"], accessToken: "EAA-revoked" }, START);
    await app.context.shops.markNeedsAttention(paused, "Meta error 190/460: the session has been invalidated", START);
    await insertDeliveryRows(
      app.context.database.db,
      [0, 1].map((n) =>
        deliveryRow({
          shop: paused,
          event_id: `paused_${n}`,
          order_id: `p${n}`,
          order_name: `#p${n}`,
          event_time: Math.floor(START / 1000),
          payload: "{}",
          status: "needs_attention",
          status_reason: "Meta error 190/460: the session has been invalidated",
          attempts: 1,
          next_attempt_at: START,
          created_at: START,
          updated_at: START,
        }),
      ),
    );
    // WHEN the merchant retries and Meta still refuses the token
    const refuses = { ...app.context, checkAccess: async () => ({ ok: false as const, errorClass: "configuration" as const, httpStatus: 400, code: 190, subcode: 460, title: null, message: "invalidated", fbtraceId: null }) };
    const result = await redriveActivity(refuses, paused, "needs_attention", START);
    // THEN nothing is queued, the reason is in plain words, and the rows keep waiting with their reason
    expect(result.queued).toBe(0);
    expect(result.refused).toMatch(/^Meta no longer accepts the access token.*Paste a new access token in Settings\. Retry is not possible until then/);
    const rows = await app.context.database.db.selectFrom("deliveries").select(["status", "status_reason"]).where("shop", "=", paused).execute();
    expect(rows).toEqual([0, 1].map(() => ({ status: "needs_attention", status_reason: "Meta error 190/460: the session has been invalidated" })));
    expect((await app.context.shops.getShop(paused))?.needsAttentionReason).toMatch(/^Meta error 190/);
  });
});
