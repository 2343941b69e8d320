// orders/paid REST payload → CAPI Purchase server event (DESIGN §5). Server-only (zod, libphonenumber).
// Never throws: an unmappable payload is returned as { kind: 'invalid', reason }.
import { actionSourceFor, eventSourceUrl } from "./action-source";
import { TANDEM_ATTRIBUTE, readAttribute } from "./attributes";
import type { CapiServerEvent, CapiUserDataKey } from "./capi-types";
import { USER_DATA_KEYS } from "./capi-types";
import { CONSENT, parseConsent } from "./consent";
import { purchaseEventId } from "./event-id";
import type { EventIdProvenance } from "./event-id";
import { orderIdDigits } from "./ids";
import { orderSchema } from "./order-schema";
import type { ParsedOrder } from "./order-schema";
import { orderUserData } from "./order-user-data";
import { orderContents, orderValue } from "./order-value";
import type { PurchaseSettings } from "./purchase-settings";
import type { Sha256 } from "./sha256";

export { DEFAULT_PURCHASE_SETTINGS } from "./purchase-settings";
export type { PurchaseSettings } from "./purchase-settings";

export const SKIP_REASON = { noConsent: "no_consent", noConsentUnknown: "no_consent_unknown" } as const;
export type SkipReason = (typeof SKIP_REASON)[keyof typeof SKIP_REASON];

type Identified = {
  eventId: string;
  provenance: EventIdProvenance;
  orderId: string;
  orderName: string | null;
  /** Unix seconds, never after ctx.nowMs. */
  eventTime: number;
};

export type PurchaseMapping =
  | ({ kind: "event"; event: CapiServerEvent; matchKeys: CapiUserDataKey[] } & Identified)
  | ({ kind: "skipped"; reason: SkipReason } & Identified)
  | { kind: "invalid"; reason: string; orderId: string | null };

export type PurchaseContext = {
  /** The caller's clock, in ms: event_time is clamped to it. */
  nowMs: number;
  settings: PurchaseSettings;
  /** The shop's storefront URL, e.g. `https://shop.example.com`. */
  storefrontUrl: string;
  /** SHA-256 for user data; defaults to WebCrypto. The server passes node:crypto's (same digest, ~15× faster). */
  sha256?: Sha256;
};

export async function buildPurchaseFromOrder(payload: unknown, ctx: PurchaseContext): Promise<PurchaseMapping> {
  try {
    return await mapOrder(payload, ctx);
  } catch (error) {
    // Only a bug can land here; report it as an invalid mapping rather than failing the webhook.
    const message = error instanceof Error ? error.message : String(error);
    return { kind: "invalid", reason: `unexpected mapping error: ${message}`, orderId: null };
  }
}

async function mapOrder(payload: unknown, ctx: PurchaseContext): Promise<PurchaseMapping> {
  if (!Number.isFinite(ctx.nowMs)) return { kind: "invalid", reason: "nowMs is not a finite number", orderId: null };
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    return { kind: "invalid", reason: "payload is not a JSON object", orderId: null };
  }
  const parsed = orderSchema.safeParse(payload);
  if (!parsed.success) return { kind: "invalid", reason: "payload is not an order", orderId: null };
  const order = parsed.data;

  const orderId = orderIdDigits(order.id) ?? orderIdDigits(order.admin_graphql_api_id);
  if (orderId === null) return { kind: "invalid", reason: "order has no usable id", orderId: null };
  const money = orderValue(order, ctx.settings);
  if (money === null) return { kind: "invalid", reason: "order has no total price with a currency", orderId };
  const id = purchaseEventId(order.note_attributes, order.checkout_token, orderId);
  if (id === null) return { kind: "invalid", reason: "order has no usable event id", orderId };

  const eventTimeMs = eventTimeMsOf(order, ctx.nowMs);
  const identified: Identified = {
    eventId: id.eventId,
    provenance: id.provenance,
    orderId,
    orderName: order.name?.trim() || null,
    eventTime: Math.floor(eventTimeMs / 1000),
  };

  const consent = parseConsent(readAttribute(order.note_attributes, TANDEM_ATTRIBUTE.consent));
  if (consent.marketing === CONSENT.denied) {
    return { kind: "skipped", reason: SKIP_REASON.noConsent, ...identified };
  }
  if (consent.marketing === CONSENT.unknown && ctx.settings.unknownConsent === "skip") {
    return { kind: "skipped", reason: SKIP_REASON.noConsentUnknown, ...identified };
  }

  const userData = await orderUserData(order, eventTimeMs, ctx.sha256);
  const contents = orderContents(order, money.moneyKey);
  const event: CapiServerEvent = {
    event_name: "Purchase",
    event_time: identified.eventTime,
    event_id: id.eventId,
    action_source: actionSourceFor(order.source_name, (order.checkout_token ?? "").trim() !== ""),
    event_source_url: eventSourceUrl(order.landing_site, ctx.storefrontUrl),
    user_data: userData,
    custom_data: {
      value: money.value,
      currency: money.currency,
      contents,
      content_ids: contents.map((content) => content.id),
      content_type: "product",
      num_items: contents.reduce((sum, content) => sum + content.quantity, 0),
      order_id: orderId,
    },
  };
  if (consent.saleOfData === CONSENT.denied) {
    // Limited Data Use with geolocation by Meta (reference/meta-capi.md §8).
    event.data_processing_options = ["LDU"];
    event.data_processing_options_country = 0;
    event.data_processing_options_state = 0;
  }
  const matchKeys = USER_DATA_KEYS.filter((key) => userData[key] !== undefined);
  return { kind: "event", event, matchKeys, ...identified };
}

/** processed_at, else created_at, else now; never in the future (Meta rejects future timestamps). */
function eventTimeMsOf(order: ParsedOrder, nowMs: number): number {
  for (const candidate of [order.processed_at, order.created_at]) {
    const parsed = candidate ? Date.parse(candidate) : Number.NaN;
    if (Number.isFinite(parsed) && parsed > 0) return Math.min(parsed, nowMs);
  }
  return nowMs;
}
