import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { enqueuePurchases, rowsOf, SHOP, startConfiguredHarness, type Harness } from "./harness";

let h: Harness;
beforeEach(async () => {
  h = await startConfiguredHarness();
});
afterEach(async () => {
  await h.close();
});

// Replace one stored event's hashed email with a raw address, as a mapping bug would.
async function corruptEmail(eventId: string): Promise<void> {
  const row = (await rowsOf(h)).find((r) => r.eventId === eventId);
  const payload = row?.payload;
  if (!payload || typeof payload.user_data !== "object" || payload.user_data === null) throw new Error("no payload");
  const broken = { ...payload, user_data: { ...payload.user_data, em: "Buyer@Example.com" } };
  await sql`update deliveries set payload = ${JSON.stringify(broken)} where event_id = ${eventId}`.execute(h.database.db);
}

describe("delivery worker: payload errors", () => {
  it("isolates one invalid event in a batch of 500: 499 sent, 1 dead with Meta's message and fbtrace_id", async () => {
    await enqueuePurchases(h, 500);
    await corruptEmail("deliv-evt-321");

    const summary = await h.worker().runOnce();

    expect(summary).toMatchObject({ claimed: 500, sent: 499, dead: 1, retried: 0, needsAttention: 0 });
    expect(h.sim.accepted).toHaveLength(499);
    expect(h.sim.doubleCounted()).toEqual([]);
    expect(h.sim.duplicateDeliveries()).toEqual([]);
    // Halving costs about two requests per level, not one per event.
    expect(summary.requests).toBeLessThanOrEqual(1 + 2 * Math.ceil(Math.log2(500)));

    const dead = (await rowsOf(h)).find((r) => r.eventId === "deliv-evt-321");
    expect(dead?.status).toBe("dead");
    expect(dead?.statusReason).toMatch(/^Meta error 100: Invalid parameter: \(#100\) Invalid parameter \(data\[0\]\): user_data\.em must be a SHA-256 hash/);
    expect(dead?.fbtraceId).toEqual(expect.any(String));
    expect(h.sim.requests.filter((r) => r.eventCount === 1 && r.status === 400)).toHaveLength(1);
    // The dead row's reason never contains the raw address it carried.
    expect(dead?.statusReason).not.toContain("Buyer@Example.com");
  });

  it("dead-letters each of several invalid events and sends the rest", async () => {
    await enqueuePurchases(h, 40);
    await corruptEmail("deliv-evt-3");
    await corruptEmail("deliv-evt-29");

    const summary = await h.worker().runOnce();

    expect(summary).toMatchObject({ sent: 38, dead: 2 });
    const dead = (await rowsOf(h)).filter((r) => r.status === "dead").map((r) => r.eventId).sort();
    expect(dead).toEqual(["deliv-evt-29", "deliv-evt-3"]);
    expect((await h.outbox.countByStatus(SHOP)).sent).toBe(38);
  });
});

describe("delivery worker: Meta field rules on rows stored before them (decision 0016)", () => {
  async function rewrite(eventId: string, change: (event: Record<string, unknown>) => Record<string, unknown>) {
    const row = (await rowsOf(h)).find((r) => r.eventId === eventId);
    if (!row?.payload) throw new Error("no payload");
    await sql`update deliveries set payload = ${JSON.stringify(change(row.payload))} where event_id = ${eventId}`.execute(h.database.db);
  }

  it("leaves out a private or documentation client_ip_address and sends the event without it", async () => {
    await enqueuePurchases(h, 3);
    for (const [n, ip] of [[0, "10.0.0.8"], [1, "203.0.113.7"]] as const) {
      await rewrite(`deliv-evt-${n}`, (event) => ({ ...event, user_data: { ...(event.user_data as object), client_ip_address: ip } }));
    }

    expect(await h.worker().runOnce()).toMatchObject({ sent: 3, dead: 0 });

    const sentIps = Object.fromEntries(
      h.sim.accepted.map((a) => [a.event.event_id, (a.event.user_data as Record<string, unknown>).client_ip_address]),
    );
    expect(sentIps).toEqual({ "deliv-evt-0": undefined, "deliv-evt-1": undefined, "deliv-evt-2": "81.2.69.142" });
    const first = h.sim.accepted.find((a) => a.event.event_id === "deliv-evt-0");
    expect(Object.keys(first?.event.user_data as object)).not.toContain("client_ip_address");
  });

  it("cuts the query and fragment off a stored event_source_url", async () => {
    await enqueuePurchases(h, 1);
    await rewrite("deliv-evt-0", (event) => ({ ...event, event_source_url: "https://delivery-test.example.com/pages/x?email=a%40b.c#top" }));

    await h.worker().runOnce();

    expect(h.sim.accepted[0]?.event.event_source_url).toBe("https://delivery-test.example.com/pages/x");
  });
});
