import type { ShopConfigReader } from "../shops/shop-config-cache.server";
import { isShopConfigured } from "../db/shops.server";
import type { CollectorWrite } from "../db/collector-writes.server";
import { enabledFunnelEvents } from "../tracking/funnel-events";
import { normalizeShopDomain } from "../shops/shop-domain";
import { verifyAppProxyQuery } from "./app-proxy-signature";
import { clientAddress } from "./client-address";
import { parseCollectBody } from "./collect-body";
import { COLLECT_OUTCOME, type CollectOutcome, type CollectorMetrics } from "./collector-metrics.server";
import { buildFunnelCapiEvent } from "./funnel-capi-event";
import { funnelRows } from "./funnel-rows";
import { hasEnoughToMatch } from "./matchable";
import { createRateLimiter, type RateLimit } from "./rate-limiter";
import type { BacklogGate } from "./funnel-backlog-gate";
import { createBotCheck } from "./bot-check";

// POST /collect and /proxy/collect (issue 16): a shopper's browser reports an event it sent to Meta, and the
// server sends it too. The endpoint is public, so every step is ordered cheapest first and an answer carries
// nothing: 204 whether the event was stored or ignored (an unknown shop, a bot, a replay, a turned-off event
// look alike to the caller), 400 malformed, 401 bad proxy signature, 429 over a rate limit. A visitor can only
// ADD events; nothing here reads, changes or deletes, and only hashed match keys are ever stored.

export type CollectRequest = {
  /** "/collect" (direct) or "/proxy/collect" (through Shopify's App Proxy, signed). */
  path: string;
  /** The raw query string, without "?". */
  query: string;
  header(name: string): string | undefined;
  body: Buffer;
  socketAddress: string | undefined;
};
export type CollectAnswer = { status: number };

export type CollectorLimits = {
  client: RateLimit;
  shop: RateLimit;
  /** Requests admitted and not yet answered, at most (collect-admission.ts); DEFAULT_COLLECT_IN_FLIGHT when unset. */
  inFlight?: number;
};

// A shopper's browser sends a handful of events per page; a NAT or office shares an address, hence the room.
// A shop's limit stops one shop's flood (or a forged one) from taking the whole collector.
export const DEFAULT_COLLECTOR_LIMITS: CollectorLimits = {
  client: { perSecond: 10, burst: 100 },
  shop: { perSecond: 1_000, burst: 5_000 },
};

export type CollectorDeps = {
  shopConfigs: ShopConfigReader;
  /** Group-committed write; true when it stored something new. */
  write(write: CollectorWrite): Promise<boolean>;
  /** Tells the delivery queue a shop has new pending rows. */
  notify(shop: string): Promise<void>;
  appSecret: string;
  trustedProxies: number;
  metrics: CollectorMetrics;
  limits?: CollectorLimits;
  now?: () => number;
  /** The shop's funnel backlog over its cap plus a margin (decision 0030): new funnel events are refused. */
  backlog?: BacklogGate;
  /** Counts funnel rows refused for a full backlog (tandem_funnel_events_dropped_total). */
  dropped?(reason: "backlog_full", rows: number): void;
};

export const PROXY_PATH = "/proxy/collect";
// An unconfigured shop is remembered briefly, so a flood naming made-up shops reads the database once per
// name and window, not once per request.
const UNKNOWN_SHOP_TTL_MS = 10_000;
const MAX_UNKNOWN_SHOPS = 10_000;

export function createCollectHandler(deps: CollectorDeps): (request: CollectRequest) => Promise<CollectAnswer> {
  const limits = deps.limits ?? DEFAULT_COLLECTOR_LIMITS;
  const now = deps.now ?? Date.now;
  const clients = createRateLimiter(limits.client);
  const shops = createRateLimiter(limits.shop);
  const unknownShops = new Map<string, number>();
  const isBot = createBotCheck();

  function answer(status: number, outcome: CollectOutcome, reason: string): CollectAnswer {
    deps.metrics.record(outcome, reason);
    return { status };
  }

  async function configuredShop(shop: string, nowMs: number) {
    const until = unknownShops.get(shop);
    if (until !== undefined && until > nowMs) return null;
    const config = await deps.shopConfigs.getShop(shop);
    if (isShopConfigured(config) && config.enabled) {
      unknownShops.delete(shop);
      return config;
    }
    if (unknownShops.size >= MAX_UNKNOWN_SHOPS) unknownShops.clear();
    unknownShops.set(shop, nowMs + UNKNOWN_SHOP_TTL_MS);
    return null;
  }

  return async function handleCollect(request) {
    const nowMs = now();
    const proxied = request.path === PROXY_PATH;
    let signedShop: string | null = null;
    if (proxied) {
      // Checked first (one HMAC): only a request Shopify signed may name the shopper in X-Forwarded-For.
      const check = verifyAppProxyQuery(new URLSearchParams(request.query), deps.appSecret);
      if (!check.valid) return answer(401, COLLECT_OUTCOME.rejected, check.reason);
      signedShop = normalizeShopDomain(check.shop);
    }
    // Through the App Proxy the socket is Shopify's, one hop more than the operator's own proxies: the shopper
    // is the entry Shopify appended (docs/decisions/0027).
    const hops = deps.trustedProxies + (proxied ? 1 : 0);
    const address = clientAddress(request.socketAddress, request.header("x-forwarded-for"), hops);
    if (!clients.take(address ?? "unknown", nowMs)) return answer(429, COLLECT_OUTCOME.rejected, "rate_limited_client");
    const userAgent = request.header("user-agent");
    // Crawlers run the pixel too; their page views are not shoppers' and must not train the ads.
    if (userAgent === undefined || userAgent.trim() === "" || isBot(userAgent)) return answer(204, COLLECT_OUTCOME.ignored, "bot");

    const parsed = parseCollectBody(request.body.toString("utf8"), nowMs);
    if (!parsed.ok) return answer(400, COLLECT_OUTCOME.rejected, parsed.reason);
    const event = parsed.event;
    deps.metrics.droppedUserData(event.droppedUserData);
    // Through the proxy, Shopify vouches for the shop in the query; a body naming another shop is forged.
    if (proxied && signedShop !== event.shop) return answer(401, COLLECT_OUTCOME.rejected, "shop_mismatch");
    if (!shops.take(event.shop, nowMs)) return answer(429, COLLECT_OUTCOME.rejected, "rate_limited_shop");

    const config = await configuredShop(event.shop, nowMs);
    if (config === null) return answer(204, COLLECT_OUTCOME.ignored, "unknown_shop");

    if (event.eventName === "Purchase") {
      // orders/paid sends the Purchase; the browser only tells which id it used for the checkout.
      if (event.checkoutToken === null) return answer(204, COLLECT_OUTCOME.ignored, "purchase_without_checkout");
      const fresh = await deps.write({ kind: "purchase_id", shop: event.shop, checkoutToken: event.checkoutToken, eventId: event.eventId });
      return answer(204, fresh ? COLLECT_OUTCOME.accepted : COLLECT_OUTCOME.ignored, fresh ? "purchase_id" : "purchase_id_known");
    }
    const enabled = enabledFunnelEvents(config.settings);
    if (!enabled.includes(event.eventName)) return answer(204, COLLECT_OUTCOME.ignored, "event_off");
    if (deps.backlog && (await deps.backlog.isFull(event.shop, nowMs))) {
      deps.dropped?.("backlog_full", new Set(config.pixelIds).size);
      return answer(204, COLLECT_OUTCOME.ignored, "backlog_full");
    }

    const mapped = buildFunnelCapiEvent(event, { ipAddress: address, userAgent, storefrontUrl: config.storefrontUrl ?? `https://${event.shop}` }, nowMs);
    if (!hasEnoughToMatch(mapped.event.user_data)) return answer(204, COLLECT_OUTCOME.ignored, "too_little_to_match");
    const fresh = await deps.write({ kind: "funnel", rows: funnelRows(event.shop, config.pixelIds, mapped, nowMs) });
    if (!fresh) return answer(204, COLLECT_OUTCOME.ignored, "replay");
    // Not awaited: the row is committed, and a nudge that fails (Redis away) is made up by the worker's own
    // sweep for due rows; the shopper's browser should not wait on a queue round trip.
    deps.notify(event.shop).catch(() => undefined);
    return answer(204, COLLECT_OUTCOME.accepted, "stored");
  };
}
