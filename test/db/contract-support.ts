import type { NewDelivery } from "../../app/db/outbox-types";
import { parseEncryptionKey } from "../../app/db/token-crypto.server";
import type { TestDatabase } from "./support";

export type GetTestDatabase = () => TestDatabase;

export const TEST_KEY = parseEncryptionKey(Buffer.alloc(32, 7).toString("base64"));
export const OLD_KEY = parseEncryptionKey(Buffer.alloc(32, 3).toString("base64"));

/** A pending Purchase of order 5001 (shop-a, pixel 111) made a minute before `nowMs` and due then; contracts override what they test. */
export function purchaseRow(nowMs: number, overrides: Partial<NewDelivery> = {}): NewDelivery {
  return {
    shop: "shop-a.myshopify.com",
    destination: "meta:111",
    eventName: "Purchase",
    eventId: "evt-1",
    provenance: "note_attribute",
    orderId: "5001",
    orderName: "#1001",
    eventTime: Math.floor(nowMs / 1000) - 60,
    payload: { event_name: "Purchase", custom_data: { value: 12.5 } },
    matchKeys: ["em"],
    status: "pending",
    nextAttemptAt: nowMs,
    ...overrides,
  };
}
