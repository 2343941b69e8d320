import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { MetaSimulator } from "../../sim/meta-graph-sim";
import {
  createClock, errorOf, PIXEL, postEvents, sha256, START_MS, startTestSimulator, TOKEN, validPurchase, withUserData,
} from "./sim-fixtures";

const clock = createClock();
let sim: MetaSimulator;
beforeAll(async () => { sim = await startTestSimulator(clock); });
afterAll(() => sim.close());
beforeEach(() => { clock.ms = START_MS; sim.reset(); });

const nowS = Math.floor(START_MS / 1000);

describe("POST /{version}/{pixel}/events accepts valid batches", () => {
  it("accepts a JSON batch with the token in the body and records each event", async () => {
    const second = validPurchase(START_MS, { event_id: "ck_second" });
    const answer = await postEvents(sim, {
      data: [validPurchase(START_MS), second], access_token: TOKEN, test_event_code: "TEST123", partner_agent: "tandem",
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ events_received: 2, messages: [] });
    expect(answer.body.fbtrace_id).toMatch(/^[A-Za-z0-9]{10,}$/);
    expect(answer.traceHeader).toBe(answer.body.fbtrace_id);
    expect(sim.accepted.map((item) => item.event.event_id)).toEqual(["ck_abc123", "ck_second"]);
    expect(sim.accepted[0]).toMatchObject({ pixelId: PIXEL, receivedAtMs: START_MS, testEventCode: "TEST123", partnerAgent: "tandem" });
  });

  it("accepts the documented form encoding with data as a JSON string and the token in the query", async () => {
    const form = new URLSearchParams({ data: JSON.stringify([validPurchase(START_MS)]) });
    const res = await fetch(`${sim.url}/v25.0/${PIXEL}/events?access_token=${TOKEN}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: form.toString(),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ events_received: 1 });
    expect(sim.accepted).toHaveLength(1);
  });

  it("accepts non-website events without event_source_url or user agent, and LDU with country and state", async () => {
    const event = validPurchase(START_MS, {
      action_source: "physical_store",
      event_source_url: undefined,
      user_data: { em: sha256("a@b.co") },
      data_processing_options: ["LDU"],
      data_processing_options_country: 0,
      data_processing_options_state: 0,
    });
    const answer = await postEvents(sim, { data: [event], access_token: TOKEN });
    expect(answer.status).toBe(200);
  });

  it("accepts an event exactly at the one-minute future skew and one just inside 7 days", async () => {
    const data = [
      validPurchase(START_MS, { event_time: nowS + 60 }),
      validPurchase(START_MS, { event_time: nowS - 7 * 86_400 + 1, event_id: "old-but-ok" }),
    ];
    expect((await postEvents(sim, { data, access_token: TOKEN })).status).toBe(200);
  });

  it("accepts 1,000 events in one request", async () => {
    const data = Array.from({ length: 1000 }, (_, i) => validPurchase(START_MS, { event_id: `e${i}` }));
    const answer = await postEvents(sim, { data, access_token: TOKEN });
    expect(answer.body).toMatchObject({ events_received: 1000 });
  });
});

type Case = { name: string; event: Record<string, unknown>; subcode?: number; mentions: string };

const raw = "john_smith@gmail.com";
const invalidCases: Case[] = [
  { name: "missing event_name", event: validPurchase(START_MS, { event_name: "" }), mentions: "event_name" },
  { name: "event_time as a string", event: validPurchase(START_MS, { event_time: String(nowS) }), mentions: "event_time" },
  { name: "event_time in milliseconds", event: validPurchase(START_MS, { event_time: START_MS }), mentions: "milliseconds" },
  { name: "fractional event_time", event: validPurchase(START_MS, { event_time: nowS + 0.5 }), mentions: "event_time" },
  {
    name: "event_time older than 7 days", event: validPurchase(START_MS, { event_time: nowS - 7 * 86_400 - 1 }),
    subcode: 2804003, mentions: "7 days",
  },
  { name: "event_time in the future", event: validPurchase(START_MS, { event_time: nowS + 61 }), mentions: "future" },
  { name: "missing action_source", event: validPurchase(START_MS, { action_source: undefined }), mentions: "action_source" },
  { name: "unknown action_source", event: validPurchase(START_MS, { action_source: "web" }), mentions: "action_source" },
  { name: "website event without event_source_url", event: validPurchase(START_MS, { event_source_url: undefined }), mentions: "event_source_url" },
  { name: "relative event_source_url", event: validPurchase(START_MS, { event_source_url: "/checkouts/abc" }), mentions: "event_source_url" },
  { name: "website event without client_user_agent", event: withUserData(START_MS, { client_user_agent: undefined }), mentions: "client_user_agent" },
  { name: "missing user_data", event: validPurchase(START_MS, { user_data: undefined }), subcode: 2804050, mentions: "user_data" },
  {
    name: "user_data with only location and user agent",
    event: validPurchase(START_MS, { user_data: { ct: sha256("paris"), country: sha256("fr"), client_user_agent: "UA" } }),
    subcode: 2804050, mentions: "customer information",
  },
  {
    name: "user_data with only fn and ge", event: validPurchase(START_MS, { action_source: "email", user_data: { fn: sha256("mary"), ge: sha256("f") } }),
    subcode: 2804050, mentions: "customer information",
  },
  { name: "unhashed em", event: withUserData(START_MS, { em: raw }), mentions: "user_data.em" },
  { name: "unhashed ph in a list", event: withUserData(START_MS, { ph: [sha256("1"), "16505551212"] }), mentions: "user_data.ph" },
  { name: "uppercase hex hash", event: withUserData(START_MS, { fn: sha256("mary").toUpperCase() }), mentions: "user_data.fn" },
  { name: "raw external_id", event: withUserData(START_MS, { external_id: "7001" }), mentions: "user_data.external_id" },
  { name: "raw zp", event: withUserData(START_MS, { zp: "94035" }), mentions: "user_data.zp" },
  { name: "empty hashed list", event: withUserData(START_MS, { country: [] }), mentions: "user_data.country" },
  { name: "invalid client_ip_address", event: withUserData(START_MS, { client_ip_address: "300.1.1.1" }), mentions: "client_ip_address" },
  { name: "hashed client_ip_address", event: withUserData(START_MS, { client_ip_address: sha256("1.2.3.4") }), mentions: "client_ip_address" },
  { name: "malformed fbp", event: withUserData(START_MS, { fbp: "1700000000000.123" }), mentions: "user_data.fbp" },
  { name: "fbc with a bad appendix", event: withUserData(START_MS, { fbc: "fb.1.1554763741205.IwAR2.ABC" }), mentions: "user_data.fbc" },
  { name: "unknown user_data key (raw email under a wrong name)", event: withUserData(START_MS, { email: raw }), mentions: "user_data.email" },
  { name: "Purchase without value", event: validPurchase(START_MS, { custom_data: { currency: "EUR" } }), mentions: "custom_data.value" },
  { name: "Purchase without currency", event: validPurchase(START_MS, { custom_data: { value: 1 } }), mentions: "currency" },
  { name: "Purchase without custom_data", event: validPurchase(START_MS, { custom_data: undefined }), mentions: "custom_data" },
  { name: "value as a decimal string", event: validPurchase(START_MS, { custom_data: { value: "49.90", currency: "EUR" } }), mentions: "custom_data.value" },
  { name: "negative value", event: validPurchase(START_MS, { custom_data: { value: -1, currency: "EUR" } }), mentions: "custom_data.value" },
  { name: "unknown currency", event: validPurchase(START_MS, { custom_data: { value: 1, currency: "EURO" } }), mentions: "currency" },
  { name: "contents without quantity", event: validPurchase(START_MS, { custom_data: { value: 1, currency: "EUR", contents: [{ id: "1" }] } }), mentions: "contents[0].quantity" },
  { name: "LDU without country", event: validPurchase(START_MS, { data_processing_options: ["LDU"] }), mentions: "data_processing_options_country" },
  {
    name: "LDU with country but no state",
    event: validPurchase(START_MS, { data_processing_options: ["LDU"], data_processing_options_country: 1 }),
    mentions: "data_processing_options_state",
  },
  { name: "unknown processing option", event: validPurchase(START_MS, { data_processing_options: ["GDPR"] }), mentions: "data_processing_options" },
  { name: "numeric event_id", event: validPurchase(START_MS, { event_id: 42 }), mentions: "event_id" },
];

describe("one invalid event rejects the whole request", () => {
  it.each(invalidCases)("rejects $name with code 100, naming data[1]", async ({ event, subcode, mentions }) => {
    const answer = await postEvents(sim, { data: [validPurchase(START_MS, { event_id: "good" }), event], access_token: TOKEN });
    expect(answer.status).toBe(400);
    const error = errorOf(answer);
    expect(error).toMatchObject({ code: 100, type: "OAuthException", is_transient: false });
    expect(error.error_subcode).toBe(subcode);
    expect(String(error.message)).toContain("data[1]");
    expect(String(error.message)).toContain(mentions);
    expect(error.fbtrace_id).toMatch(/^[A-Za-z0-9]+$/);
    expect(answer.traceHeader).toBe(error.fbtrace_id);
    expect(sim.accepted).toHaveLength(0);
    expect(sim.ledger()).toHaveLength(0);
  });

  it("titles a too-old event as Meta does", async () => {
    const answer = await postEvents(sim, {
      data: [validPurchase(START_MS, { event_time: nowS - 8 * 86_400 })], access_token: TOKEN,
    });
    expect(errorOf(answer)).toMatchObject({ error_subcode: 2804003, error_user_title: "Event Timestamp Too Old" });
  });

  it("judges event age against the injected clock", async () => {
    const event = validPurchase(START_MS);
    clock.ms = START_MS + 7 * 86_400_000 + 1000;
    expect(errorOf(await postEvents(sim, { data: [event], access_token: TOKEN })).error_subcode).toBe(2804003);
  });

  it("rejects more than 1,000 events", async () => {
    const data = Array.from({ length: 1001 }, (_, i) => validPurchase(START_MS, { event_id: `e${i}` }));
    const answer = await postEvents(sim, { data, access_token: TOKEN });
    expect(answer.status).toBe(400);
    expect(errorOf(answer)).toMatchObject({ code: 100 });
    expect(String(errorOf(answer).message)).toContain("1000");
    expect(sim.accepted).toHaveLength(0);
  });

  it.each([
    ["an empty data array", { data: [] }],
    ["data that is not an array", { data: { event_name: "Purchase" } }],
    ["a missing data field", {}],
  ])("rejects %s", async (_name, body) => {
    const answer = await postEvents(sim, { ...body, access_token: TOKEN });
    expect(errorOf(answer)).toMatchObject({ code: 100 });
  });

  it("rejects a body that is not JSON", async () => {
    const res = await fetch(`${sim.url}/v26.0/${PIXEL}/events?access_token=${TOKEN}`, {
      method: "POST", headers: { "content-type": "application/json" }, body: "{not json",
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 100 } });
  });

  it("logs every request, including rejected ones, with the event ids it carried", async () => {
    await postEvents(sim, { data: [validPurchase(START_MS, { event_name: "" })], access_token: TOKEN });
    expect(sim.requests).toHaveLength(1);
    expect(sim.requests[0]).toMatchObject({ pixelId: PIXEL, version: "v26.0", status: 400, eventIds: ["ck_abc123"] });
    expect(sim.requests[0].error?.code).toBe(100);
  });
});
