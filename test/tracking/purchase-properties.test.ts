// Property tests: the mapping must hold its invariants for any payload Shopify (or an attacker) can send.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HASHED_USER_DATA_KEYS } from "../../app/tracking/capi-types";
import { publicIpAddress } from "../../app/tracking/client-ip";
import { DEFAULT_PURCHASE_SETTINGS, buildPurchaseFromOrder } from "../../app/tracking/purchase-from-order";
import type { PurchaseSettings } from "../../app/tracking/purchase-from-order";
import { FIXTURE, buildOrder, mergeOrder, withNoteAttributes } from "../../sim/fixtures/order-payloads";

const HEX_64 = /^[0-9a-f]{64}$/;

type Json = Record<string, unknown>;

/** Every path into the fixture (objects and array elements), so mutations reach nested fields. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== "object" || value === null) return [];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return entries.flatMap(([key, child]) => [[...prefix, key], ...pathsOf(child, [...prefix, key])]);
}

const FIXTURE_PATHS = pathsOf(buildOrder());

function setPath(root: Json, path: (string | number)[], value: unknown): void {
  let node: unknown = root;
  for (const key of path.slice(0, -1)) {
    if (typeof node !== "object" || node === null) return;
    node = (node as Json)[key];
  }
  if (typeof node !== "object" || node === null) return;
  const last = path[path.length - 1] as string | number;
  if (value === undefined) delete (node as Json)[last];
  else (node as Json)[last] = value;
}

const mutation = fc.record({
  path: fc.constantFrom(...FIXTURE_PATHS),
  value: fc.oneof(fc.anything(), fc.constant(undefined), fc.constant(null), fc.string(), fc.double()),
});

const mutatedOrder = fc.array(mutation, { maxLength: 8 }).map((mutations) => {
  const order = buildOrder() as unknown as Json;
  for (const { path, value } of mutations) setPath(order, path, value);
  return order;
});

const settings: fc.Arbitrary<PurchaseSettings> = fc.record({
  valueSource: fc.constantFrom("presentment", "shop"),
  includeShipping: fc.boolean(),
  includeTax: fc.boolean(),
  unknownConsent: fc.constantFrom("send", "skip"),
});

const nowMs = fc.integer({ min: 0, max: 4_102_444_800_000 });

function ctx(now: number, chosen: PurchaseSettings = DEFAULT_PURCHASE_SETTINGS) {
  return { nowMs: now, settings: chosen, storefrontUrl: FIXTURE.storefrontUrl };
}

describe("buildPurchaseFromOrder properties", () => {
  it("never throws or rejects for arbitrary JSON input", async () => {
    await fc.assert(
      fc.asyncProperty(fc.anything(), settings, nowMs, async (payload, chosen, now) => {
        const mapping = await buildPurchaseFromOrder(payload, ctx(now, chosen));
        expect(["event", "skipped", "invalid"]).toContain(mapping.kind);
      }),
      { numRuns: 300 },
    );
  });

  it("never throws for arbitrary mutations of a real order, and keeps every invariant", async () => {
    await fc.assert(
      fc.asyncProperty(mutatedOrder, settings, nowMs, async (order, chosen, now) => {
        const mapping = await buildPurchaseFromOrder(order, ctx(now, chosen));
        if (mapping.kind === "invalid") {
          expect(mapping.reason).not.toMatch(/^unexpected/);
          return;
        }
        expect(mapping.eventTime).toBeLessThanOrEqual(now / 1000);
        if (mapping.kind !== "event") return;
        for (const key of HASHED_USER_DATA_KEYS) {
          const value = mapping.event.user_data[key];
          if (value !== undefined) expect(value).toMatch(HEX_64);
        }
        expect(mapping.event.custom_data.value).toBeGreaterThanOrEqual(0);
        expect(mapping.event.custom_data.currency).toMatch(/^[A-Z]{3}$/);
        expect(Object.keys(mapping.event.user_data)).toEqual(mapping.matchKeys);
      }),
      { numRuns: 300 },
    );
  });

  it("hashes every hashed user_data field to 64 lowercase hex, whatever text the order holds", async () => {
    const text = fc.oneof(fc.string(), fc.string({ unit: "grapheme" }), fc.emailAddress(), fc.constant(null));
    await fc.assert(
      fc.asyncProperty(
        fc.record({ email: text, phone: text, first: text, last: text, city: text, province: text, zip: text, country: text, customerId: fc.oneof(fc.string(), fc.nat(), fc.constant(null)) }),
        async (input) => {
          const address = {
            first_name: input.first,
            last_name: input.last,
            city: input.city,
            province_code: input.province,
            zip: input.zip,
            country_code: input.country,
            phone: input.phone,
          };
          const order = buildOrder({
            email: input.email,
            phone: input.phone,
            billing_address: address,
            shipping_address: address,
            customer: { id: input.customerId, email: input.email, first_name: input.first, last_name: input.last, phone: input.phone, default_address: address },
          });
          const mapping = await buildPurchaseFromOrder(order, ctx(FIXTURE.nowMs));
          if (mapping.kind !== "event") throw new Error(`expected an event, got ${mapping.kind}`);
          for (const key of HASHED_USER_DATA_KEYS) {
            const value = mapping.event.user_data[key];
            if (value !== undefined) expect(value).toMatch(HEX_64);
          }
        },
      ),
    );
  });

  it("never hashes or alters client_ip_address, client_user_agent, fbp and fbc", async () => {
    const token = fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/);
    const appendix = fc.oneof(fc.constant(""), fc.stringMatching(/^\.[A-Za-z0-9_-]{8}$/), fc.constantFrom(".AQ", ".Ag"));
    const cookie = fc
      .tuple(fc.nat({ max: 3 }), fc.nat(), token, appendix)
      .map(([index, time, id, suffix]) => `fb.${index}.${time}.${id}${suffix}`);
    const userAgent = fc.string({ minLength: 1, maxLength: 300 }).filter((s) => s.trim() === s && s !== "");
    const publicIp = fc
      .oneof(fc.ipV4(), fc.ipV6().map((ip) => ip.toLowerCase()))
      .filter((ip) => publicIpAddress(ip) === ip);
    await fc.assert(
      // Public addresses only: the rest are left out (client-ip.test.ts); a public one passes verbatim.
      fc.asyncProperty(publicIp, userAgent, cookie, cookie, async (ip, ua, fbp, fbc) => {
        const order = withNoteAttributes(
          { _tandem_fbp: fbp, _tandem_fbc: fbc },
          mergeOrder(buildOrder(), { browser_ip: ip, client_details: { user_agent: ua } }),
        );
        const mapping = await buildPurchaseFromOrder(order, ctx(FIXTURE.nowMs));
        if (mapping.kind !== "event") throw new Error(`expected an event, got ${mapping.kind}`);
        expect(mapping.event.user_data).toMatchObject({
          client_ip_address: ip,
          client_user_agent: ua,
          fbp,
          fbc,
        });
      }),
    );
  });

  it("never puts event_time after now", async () => {
    const timestamp = fc.oneof(
      fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
      fc.string(),
      fc.constant(null),
    );
    await fc.assert(
      fc.asyncProperty(timestamp, timestamp, nowMs, async (processedAt, createdAt, now) => {
        const order = buildOrder({ processed_at: processedAt, created_at: createdAt });
        const mapping = await buildPurchaseFromOrder(order, ctx(now));
        if (mapping.kind === "invalid") throw new Error(mapping.reason);
        expect(Number.isInteger(mapping.eventTime)).toBe(true);
        expect(mapping.eventTime).toBeLessThanOrEqual(now / 1000);
        if (mapping.kind === "event") expect(mapping.event.event_time).toBe(mapping.eventTime);
      }),
    );
  });
});
