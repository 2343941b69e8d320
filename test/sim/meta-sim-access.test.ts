import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { MetaSimulator } from "../../sim/meta-graph-sim";
import {
  createClock, errorOf, OTHER_PIXEL, OTHER_TOKEN, PIXEL, postEvents, START_MS, startTestSimulator, TOKEN, validPurchase,
} from "./sim-fixtures";

const clock = createClock();
let sim: MetaSimulator;
beforeAll(async () => { sim = await startTestSimulator(clock); });
afterAll(() => sim.close());
beforeEach(() => { sim.reset(); });

const batch = () => ({ data: [validPurchase(START_MS)] });

describe("pixel and access token checks", () => {
  it("answers 100/33 GraphMethodException for a pixel that does not exist", async () => {
    const answer = await postEvents(sim, { ...batch(), access_token: TOKEN }, { pixelId: "555" });
    expect(answer.status).toBe(400);
    expect(errorOf(answer)).toMatchObject({ code: 100, error_subcode: 33, type: "GraphMethodException", is_transient: false });
    expect(String(errorOf(answer).message)).toMatch(/^Unsupported post request/);
  });

  it("answers 100/33 when a valid token cannot reach the pixel", async () => {
    const answer = await postEvents(sim, { ...batch(), access_token: OTHER_TOKEN });
    expect(errorOf(answer)).toMatchObject({ code: 100, error_subcode: 33 });
    expect(sim.accepted).toHaveLength(0);
  });

  it("answers 190 OAuthException without a token", async () => {
    const answer = await postEvents(sim, batch());
    expect(answer.status).toBe(400);
    expect(errorOf(answer)).toMatchObject({ code: 190, type: "OAuthException" });
    expect(errorOf(answer).error_subcode).toBeUndefined();
  });

  it("answers 190/467 for a token Meta does not know", async () => {
    const answer = await postEvents(sim, { ...batch(), access_token: "EAAwrong" });
    expect(errorOf(answer)).toMatchObject({ code: 190, error_subcode: 467 });
  });

  it("answers 190/463 once the simulator marks the pixel's token expired, and reset revives it", async () => {
    sim.expireToken(PIXEL);
    expect(errorOf(await postEvents(sim, { ...batch(), access_token: TOKEN }))).toMatchObject({ code: 190, error_subcode: 463 });
    expect((await postEvents(sim, { ...batch(), access_token: OTHER_TOKEN }, { pixelId: OTHER_PIXEL })).status).toBe(200);
    sim.reset();
    expect((await postEvents(sim, { ...batch(), access_token: TOKEN })).status).toBe(200);
  });

  it("accepts a pixel registered after start", async () => {
    sim.registerPixel("42", "EAAnew");
    expect((await postEvents(sim, { ...batch(), access_token: "EAAnew" }, { pixelId: "42" })).status).toBe(200);
  });

  it("checks the token before the events", async () => {
    const answer = await postEvents(sim, { data: [{ event_name: "" }], access_token: "EAAwrong" });
    expect(errorOf(answer).code).toBe(190);
  });

  it.each(["v26", "26.0", "latest"])("rejects the malformed version path %s", async (version) => {
    const answer = await postEvents(sim, { ...batch(), access_token: TOKEN }, { version });
    expect(errorOf(answer)).toMatchObject({ code: 2500 });
    expect(sim.accepted).toHaveLength(0);
  });
});
