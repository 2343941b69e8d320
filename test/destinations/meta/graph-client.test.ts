import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createMetaGraphClient } from "../../../app/destinations/meta/graph-client.server";
import { startMetaSimulator, type MetaSimulator } from "../../../sim/meta-graph-sim";
import { purchaseEvent } from "../../delivery/harness";

const PIXEL = "123456789012345";
const TOKEN = "EAAB-graph-client-token";

let sim: MetaSimulator;
beforeAll(async () => {
  sim = await startMetaSimulator({ pixels: { [PIXEL]: TOKEN } });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.reset();
});

function client(timeoutMs = 2_000) {
  return createMetaGraphClient({ baseUrl: `${sim.url}/`, version: "v26.0", timeoutMs });
}

const nowS = () => Math.floor(Date.now() / 1000) - 30;

describe("createMetaGraphClient against the simulator", () => {
  it("returns events_received, fbtrace_id and messages on success", async () => {
    const result = await client().sendEvents({ pixelId: PIXEL, accessToken: TOKEN, events: [purchaseEvent(1, nowS()), purchaseEvent(2, nowS())] });
    expect(result).toEqual({ ok: true, eventsReceived: 2, fbtraceId: expect.any(String), messages: [] });
    expect(sim.accepted[0]?.partnerAgent).toBe("tandem");
    expect(sim.accepted[0]?.testEventCode).toBeUndefined();
  });

  it("passes test_event_code and a custom partner_agent", async () => {
    const custom = createMetaGraphClient({ baseUrl: sim.url, version: "v26.0", partnerAgent: "tandem-1.0" });
    await custom.sendEvents({ pixelId: PIXEL, accessToken: TOKEN, events: [purchaseEvent(1, nowS())], testEventCode: "TEST42" });
    expect(sim.accepted[0]).toMatchObject({ testEventCode: "TEST42", partnerAgent: "tandem-1.0" });
  });

  it("classifies an invalid token as configuration with code, subcode and fbtrace_id", async () => {
    const result = await client().sendEvents({ pixelId: PIXEL, accessToken: "nope", events: [purchaseEvent(1, nowS())] });
    expect(result).toMatchObject({
      ok: false,
      errorClass: "configuration",
      httpStatus: 400,
      code: 190,
      subcode: 467,
      fbtraceId: expect.any(String),
    });
  });

  it("classifies a too-old event as a payload error (100/2804003) with Meta's title", async () => {
    const old = Math.floor(Date.now() / 1000) - 8 * 24 * 3600;
    const result = await client().sendEvents({ pixelId: PIXEL, accessToken: TOKEN, events: [purchaseEvent(1, old)] });
    expect(result).toMatchObject({ ok: false, errorClass: "payload", code: 100, subcode: 2804003, title: "Event Timestamp Too Old" });
  });

  it("classifies a 500 Graph error and a non-JSON 503 as transient", async () => {
    sim.injectFailures({ kind: "http500", count: 1 });
    sim.injectFailures({ kind: "http503", count: 1 });
    const events = [purchaseEvent(1, nowS())];
    const first = await client().sendEvents({ pixelId: PIXEL, accessToken: TOKEN, events });
    const second = await client().sendEvents({ pixelId: PIXEL, accessToken: TOKEN, events });
    expect(first).toMatchObject({ ok: false, errorClass: "transient", httpStatus: 500, code: 1 });
    expect(second).toMatchObject({ ok: false, errorClass: "transient", httpStatus: 503, code: null });
  });

  it("gives up on a hung request after timeoutMs and calls it transient", async () => {
    sim.injectFailures({ kind: "timeout", count: 1, holdMs: 2_000 });
    const started = Date.now();
    const result = await client(100).sendEvents({ pixelId: PIXEL, accessToken: TOKEN, events: [purchaseEvent(1, nowS())] });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(result).toMatchObject({ ok: false, errorClass: "transient", httpStatus: null, message: "timed out after 100 ms" });
  });

  it("reports a refused connection as a transient network error", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const down = createMetaGraphClient({ baseUrl: `http://127.0.0.1:${port}`, version: "v26.0" });
    const result = await down.sendEvents({ pixelId: PIXEL, accessToken: TOKEN, events: [] });
    expect(result).toMatchObject({ ok: false, errorClass: "transient", httpStatus: null, message: "network error: ECONNREFUSED" });
  });
});

describe("createMetaGraphClient request shape", () => {
  let server: Server;
  let seen: { method?: string; url?: string; contentType?: string; body?: string } = {};
  let url = "";
  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString("utf8")));
      req.on("end", () => {
        seen = { method: req.method, url: req.url, contentType: req.headers["content-type"], body };
        res.writeHead(200, { "content-type": "application/json", "x-fb-trace-id": "HEADERTRACE" });
        res.end(JSON.stringify({ events_received: 1 }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("POSTs JSON to /{version}/{pixel}/events with the token in the body, never in the URL", async () => {
    const result = await createMetaGraphClient({ baseUrl: url, version: "v26.0" }).sendEvents({
      pixelId: PIXEL,
      accessToken: TOKEN,
      events: [{ event_name: "Purchase" }],
    });
    expect(seen.method).toBe("POST");
    expect(seen.url).toBe(`/v26.0/${PIXEL}/events`);
    expect(seen.url).not.toContain(TOKEN);
    expect(seen.contentType).toBe("application/json");
    expect(JSON.parse(seen.body ?? "{}")).toEqual({
      data: [{ event_name: "Purchase" }],
      access_token: TOKEN,
      partner_agent: "tandem",
    });
    // fbtrace_id falls back to the response header when the body has none.
    expect(result).toEqual({ ok: true, eventsReceived: 1, fbtraceId: "HEADERTRACE", messages: [] });
  });
});
