import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { buildPurchaseFromOrder, DEFAULT_PURCHASE_SETTINGS } from "../../app/tracking/purchase-from-order";
import { sha256Hex } from "../../app/tracking/sha256";
import { nodeSha256 } from "../../app/lib/node-sha256.server";
import { buildOrder, guestOrder, posOrder } from "../../sim/fixtures/order-payloads";

describe("the server's node:crypto hasher", () => {
  it("gives the same digest as the WebCrypto default for any text, including non-ASCII", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "grapheme" }), async (text) => {
        expect(nodeSha256(text)).toBe(await sha256Hex(text));
      }),
      { numRuns: 200 },
    );
  });

  it("maps orders to exactly the same event as the default hasher", async () => {
    const ctx = { nowMs: Date.parse("2025-11-05T00:00:00Z"), settings: DEFAULT_PURCHASE_SETTINGS, storefrontUrl: "https://shop.example" };
    for (const order of [buildOrder(), guestOrder(), posOrder()]) {
      const viaWebCrypto = await buildPurchaseFromOrder(order, ctx);
      const viaNode = await buildPurchaseFromOrder(order, { ...ctx, sha256: nodeSha256 });
      expect(viaNode).toEqual(viaWebCrypto);
      expect(viaNode.kind).toBe("event");
    }
  });
});
