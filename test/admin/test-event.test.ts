import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sendTestEvent } from "../../app/admin/test-event.server";
import { describeTestAnswer } from "../../app/admin/test-event-words";
import { startMetaSimulator, type MetaSimulator } from "../../sim/meta-graph-sim";
import { useTestApp } from "../support/app";

const SHOP = "test-event-shop.myshopify.com";
let sim: MetaSimulator;

beforeAll(async () => {
  sim = await startMetaSimulator({ pixels: { "1234567890": "EAA-good-token" } });
});
afterAll(async () => {
  await sim.close();
});
const app = useTestApp({ env: () => ({ META_GRAPH_URL: sim.url }) });
beforeEach(async () => {
  sim.reset();
});

describe("sendTestEvent", () => {
  it("sends a valid website Purchase with the test code and returns Meta's events_received and fbtrace_id", async () => {
    await app.context.shops.saveShopConfig(SHOP, { pixelIds: ["1234567890"], accessToken: "EAA-good-token", testEventCode: "TEST777" }, Date.now());
    const outcome = await sendTestEvent(app.context, SHOP, Date.now());
    expect(outcome.sent).toBe(true);
    if (!outcome.sent) return;
    expect(outcome.answers).toEqual([{ pixelId: "1234567890", ok: true, events_received: 1, fbtrace_id: expect.any(String), messages: [] }]);
    expect(sim.accepted).toHaveLength(1);
    expect(sim.accepted[0]?.testEventCode).toBe("TEST777");
    expect(sim.accepted[0]?.event).toMatchObject({ event_name: "Purchase", action_source: "website", event_id: outcome.eventId });
    expect(sim.accepted[0]?.event.user_data).not.toHaveProperty("client_ip_address");
  });

  it("shows Meta's error title, code and fbtrace_id when the token is refused", async () => {
    await app.context.shops.saveShopConfig(SHOP, { pixelIds: ["1234567890"], accessToken: "EAA-wrong-token", testEventCode: "TEST777" }, Date.now());
    const outcome = await sendTestEvent(app.context, SHOP, Date.now());
    if (!outcome.sent) throw new Error("expected a send");
    const [answer] = outcome.answers;
    expect(answer?.ok).toBe(false);
    if (answer === undefined || answer.ok) return;
    expect(answer.code).toBe(190);
    expect(answer.fbtrace_id).toMatch(/\S+/);
    expect(answer.message.length).toBeGreaterThan(0);
    expect(sim.accepted).toHaveLength(0);
  });

  it("refuses to send without a test event code, so no real Purchase is counted", async () => {
    await app.context.shops.saveShopConfig(SHOP, { pixelIds: ["1234567890"], accessToken: "EAA-good-token" }, Date.now());
    expect(await sendTestEvent(app.context, SHOP, Date.now())).toMatchObject({ sent: false, problem: "no_test_code" });
    expect(await sendTestEvent(app.context, "unknown.myshopify.com", Date.now())).toMatchObject({ sent: false, problem: "not_configured" });
    expect(sim.requests).toHaveLength(0);
  });

  it("sends with the code typed on the test card, saves nothing, and says the result in one sentence", async () => {
    await app.context.shops.saveShopConfig(SHOP, { pixelIds: ["1234567890"], accessToken: "EAA-good-token" }, Date.now());
    const outcome = await sendTestEvent(app.context, SHOP, Date.now(), " TEST4242 ");
    if (!outcome.sent) throw new Error("expected a send");
    expect(sim.accepted.map((item) => item.testEventCode)).toEqual(["TEST4242"]);
    expect((await app.context.shops.getShop(SHOP))?.testEventCode).toBeNull();
    const [answer] = outcome.answers;
    if (answer === undefined) throw new Error("expected an answer");
    expect(describeTestAnswer(answer)).toBe("Meta received the test purchase for pixel 1234567890. It shows in Events Manager → Test events within a minute.");
  });

  it("a typed code wins over a saved one, and a malformed code is refused before Meta is asked", async () => {
    await app.context.shops.saveShopConfig(SHOP, { pixelIds: ["1234567890"], accessToken: "EAA-good-token", testEventCode: "TESTSAVED" }, Date.now());
    await sendTestEvent(app.context, SHOP, Date.now(), "TESTTYPED");
    expect(sim.accepted.map((item) => item.testEventCode)).toEqual(["TESTTYPED"]);
    expect(await sendTestEvent(app.context, SHOP, Date.now(), "has space")).toMatchObject({ sent: false, problem: "bad_test_code" });
    expect(sim.requests).toHaveLength(1);
  });

  it("says a refused token in plain words", async () => {
    await app.context.shops.saveShopConfig(SHOP, { pixelIds: ["1234567890"], accessToken: "EAA-wrong-token" }, Date.now());
    const outcome = await sendTestEvent(app.context, SHOP, Date.now(), "TEST1");
    if (!outcome.sent || outcome.answers[0] === undefined) throw new Error("expected an answer");
    expect(describeTestAnswer(outcome.answers[0])).toBe("Meta refused the access token for pixel 1234567890: paste a new token in Settings.");
  });
});
