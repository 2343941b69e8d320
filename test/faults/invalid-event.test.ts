import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { waitFor } from "../support/wait";
import { MODES, SHOP, startFaultApp, type FaultApp } from "./fault-app";

let app: FaultApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe.each(MODES)("one invalid event in a batch of 500 (%s mode)", (mode) => {
  it("sends 499 and dead-letters only the bad one, with Meta's reason", async () => {
    app = await startFaultApp(mode);
    const { sim, web } = app;
    await app.ingest(0, 500);
    // GIVEN one stored event carries an unhashed email (as a mapping bug would produce)
    const victim = await web.database.db.selectFrom("deliveries").select(["id", "payload"]).where("order_id", "=", String(5812345678901 + 250)).executeTakeFirstOrThrow();
    const event = JSON.parse(String(victim.payload)) as { user_data: Record<string, unknown> };
    event.user_data.em = "Buyer@Example.com";
    await sql`update deliveries set payload = ${JSON.stringify(event)} where id = ${victim.id}`.execute(web.database.db);

    await app.startWorkers();
    await waitFor(async () => {
      const counts = await app!.statusCounts(SHOP);
      return counts.sent === 499 && counts.dead === 1;
    }, 15_000, "499 sent + 1 dead");

    expect(await app.statusCounts(SHOP)).toEqual({ sent: 499, dead: 1 });
    const dead = await web.outbox.list({ shop: SHOP, status: "dead", limit: 5 });
    expect(dead.rows[0]?.id).toBe(victim.id);
    expect(dead.rows[0]?.statusReason).toMatch(/^Meta error 100: .*user_data\.em must be a SHA-256 hash/);
    expect(dead.rows[0]?.statusReason).not.toContain("Buyer@Example.com");
    expect(sim.accepted).toHaveLength(499);
    expect(sim.duplicateDeliveries()).toEqual([]);
  });
});
