// orders/paid REST payload → CAPI Purchase server event (docs/decisions/0015). Server-only (zod, libphonenumber).
// Never throws: an unmappable payload is returned as { kind: 'invalid', reason }.
import { actionSourceFor, eventSourceUrl, hasNoShopper } from "./action-source";
import { ACTION_SOURCE } from "./capi-types";
import { TANDEM_ATTRIBUTE, readAttribute } from "./attributes";
import type { CapiServerEvent, CapiUserDataKey } from "./capi-types";
import { USER_DATA_KEYS } from "./capi-types";
import { CONSENT, parseConsent } from "./consent";
import { contentTypeFor } from "./content-id";
import { orderOwnEventId, purchaseEventId } from "./event-id";
import { EVENT_ID_PROVENANCE, type EventIdProvenance } from "./event-id";
import { orderIdDigits } from "./ids";
import { orderSchema } from "./order-schema";
import type { ParsedOrder } from "./order-schema";
import { orderUserData } from "./order-user-data";
import { orderContents, orderValue } from "./order-value";
import { DEFAULT_PURCHASE_SETTINGS, type PurchaseSettings } from "./purchase-settings";
import type { Sha256 } from "./sha256";
import { META_EVENT_WINDOW_MS } from "../destinations/meta/event-window";
import { errorMessage } from "../lib/error-message";

export { DEFAULT_PURCHASE_SETTINGS } from "./purchase-settings";
export type { PurchaseSettings } from "./purchase-settings";

export const SKIP_REASON = {
  noConsent: "no_consent",
  noConsentUnknown: "no_consent_unknown",
  /** `test: true` or Shopify's Bogus gateway: never a real conversion (decision 0015). */
  testOrder: "test_order",
  /** No shopper present and the shop's setting sends nothing for such orders. */
  noShopperNotSent: "no_shopper_not_sent",
  /** Paid after Meta's 7-day window and the shop's setting sends nothing then. */
  paidTooLate: "paid_too_late",
} as const;
export type SkipReason = (typeof SKIP_REASON)[keyof typeof SKIP_REASON];

/** The custom event a shop can send for orders with no shopper present instead of Purchase (decision 0015). */
export const RECURRING_EVENT_NAME = "RecurringPurchase";

/** What is notable about an order (stored as deliveries.order_kind). */
export const ORDER_KIND = { noShopper: "no_shopper", latePayment: "late_payment", veryLatePayment: "very_late_payment" } as const;
export type OrderKind = (typeof ORDER_KIND)[keyof typeof ORDER_KIND];

const HOUR_MS = 3_600_000;
/** Browser and server twins pair only within 48 h of the first (docs/meta-capi-facts.md, "How Meta deduplicates"). */
export const DEDUP_WINDOW_MS = 48 * HOUR_MS;
/** Meta refuses a request holding an event_time older than 7 days; an hour is left for the worker to send it. */
export const SENDABLE_AGE_MS = META_EVENT_WINDOW_MS - HOUR_MS;

type Identified = {
  eventName: string;
  eventId: string;
  /** The order's own id: what its rows are stored under if another order already owns eventId. */
  fallbackEventId: string;
  provenance: EventIdProvenance;
  orderKind: OrderKind | null;
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
  /**
   * True when the order was just placed (orders/create): its age says nothing about a late payment. Otherwise
   * nowMs is taken as the payment time.
   */
  placedNow?: boolean;
  /** SHA-256 for user data; defaults to WebCrypto. The server passes node:crypto's (same digest, ~15× faster). */
  sha256?: Sha256;
};

export async function buildPurchaseFromOrder(payload: unknown, ctx: PurchaseContext): Promise<PurchaseMapping> {
  try {
    return await mapOrder(payload, ctx);
  } catch (error) {
    // Only a bug can land here; report it as an invalid mapping rather than failing the webhook.
    const message = errorMessage(error);
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
  const hasCheckoutToken = (order.checkout_token ?? "").trim() !== "";
  const noShopper = hasNoShopper({
    sourceName: order.source_name,
    hasCheckoutToken,
    browserIp: order.browser_ip ?? order.client_details?.browser_ip,
    userAgent: order.client_details?.user_agent,
  });
  // No shopper, no browser twin: a renewal carries its contract's copied attributes, never its own id.
  const id = noShopper
    ? { eventId: orderOwnEventId(orderId), provenance: EVENT_ID_PROVENANCE.orderId }
    : purchaseEventId(order.note_attributes, order.checkout_token, orderId);
  if (id === null) return { kind: "invalid", reason: "order has no usable event id", orderId };

  const placedMs = eventTimeMsOf(order, ctx.nowMs);
  const ageMs = ctx.nowMs - placedMs;
  const veryLate = !ctx.placedNow && ageMs > SENDABLE_AGE_MS;
  // Past Meta's window the event is sent at the payment time (the webhook's clock), or Meta would refuse it.
  const eventTimeMs = veryLate ? ctx.nowMs : placedMs;
  const orderKind: OrderKind | null = noShopper
    ? ORDER_KIND.noShopper
    : veryLate
      ? ORDER_KIND.veryLatePayment
      : !ctx.placedNow && ageMs > DEDUP_WINDOW_MS
        ? ORDER_KIND.latePayment
        : null;
  const identified: Identified = {
    eventName: noShopper && (ctx.settings.noShopperOrders ?? DEFAULT_PURCHASE_SETTINGS.noShopperOrders) === "recurring_event" ? RECURRING_EVENT_NAME : "Purchase",
    eventId: id.eventId,
    fallbackEventId: orderOwnEventId(orderId),
    provenance: id.provenance,
    orderKind,
    orderId,
    orderName: order.name?.trim() || null,
    eventTime: Math.floor(eventTimeMs / 1000),
  };

  if (isTestOrder(order)) return { kind: "skipped", reason: SKIP_REASON.testOrder, ...identified };
  if (noShopper && (ctx.settings.noShopperOrders ?? DEFAULT_PURCHASE_SETTINGS.noShopperOrders) === "skip") return { kind: "skipped", reason: SKIP_REASON.noShopperNotSent, ...identified };
  if (veryLate && (ctx.settings.veryLatePayments ?? DEFAULT_PURCHASE_SETTINGS.veryLatePayments) === "skip") return { kind: "skipped", reason: SKIP_REASON.paidTooLate, ...identified };
  const consent = parseConsent(readAttribute(order.note_attributes, TANDEM_ATTRIBUTE.consent));
  if (consent.marketing === CONSENT.denied) {
    return { kind: "skipped", reason: SKIP_REASON.noConsent, ...identified };
  }
  if (consent.marketing === CONSENT.unknown && ctx.settings.unknownConsent === "skip") {
    return { kind: "skipped", reason: SKIP_REASON.noConsentUnknown, ...identified };
  }

  const userData = await orderUserData(order, eventTimeMs, ctx.sha256, { noShopper });
  const catalog = {
    contentId: ctx.settings.contentId ?? DEFAULT_PURCHASE_SETTINGS.contentId,
    catalogCountry: ctx.settings.catalogCountry ?? DEFAULT_PURCHASE_SETTINGS.catalogCountry,
  };
  const contents = orderContents(order, money.moneyKey, catalog);
  const event: CapiServerEvent = {
    event_name: identified.eventName,
    event_time: identified.eventTime,
    event_id: id.eventId,
    action_source: noShopper ? ACTION_SOURCE.systemGenerated : actionSourceFor(order.source_name, hasCheckoutToken),
    event_source_url: eventSourceUrl(order.landing_site, ctx.storefrontUrl),
    user_data: userData,
    custom_data: {
      value: money.value,
      currency: money.currency,
      contents,
      content_ids: contents.map((content) => content.id),
      content_type: contentTypeFor(catalog),
      num_items: contents.reduce((sum, content) => sum + content.quantity, 0),
      order_id: orderId,
    },
  };
  if (consent.saleOfData === CONSENT.denied) {
    // Limited Data Use with geolocation by Meta (docs/meta-capi-facts.md, "Limited Data Use").
    event.data_processing_options = ["LDU"];
    event.data_processing_options_country = 0;
    event.data_processing_options_state = 0;
  }
  const matchKeys = USER_DATA_KEYS.filter((key) => userData[key] !== undefined);
  return { kind: "event", event, matchKeys, ...identified };
}

/** Shopify marks test orders `test: true`; its Bogus gateway is the test gateway merchants use while setting up. */
function isTestOrder(order: ParsedOrder): boolean {
  if (order.test === true) return true;
  const gateways = [order.gateway, ...(order.payment_gateway_names ?? [])];
  return gateways.some((gateway) => gateway?.trim().toLowerCase() === "bogus");
}

/** processed_at, else created_at, else now; never in the future (Meta rejects future timestamps). */
function eventTimeMsOf(order: ParsedOrder, nowMs: number): number {
  for (const candidate of [order.processed_at, order.created_at]) {
    const parsed = candidate ? Date.parse(candidate) : Number.NaN;
    if (Number.isFinite(parsed) && parsed > 0) return Math.min(parsed, nowMs);
  }
  return nowMs;
}
