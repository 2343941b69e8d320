import type { GraphqlFn } from "../shopify/graphql-fn";
import { readShopContact } from "../shopify/shop-contact.server";
import { DEFAULT_FORMAT, parseLocale, parseTimeZone, type FormatSettings } from "./format";

// The shop's time zone (Shopify's shop.ianaTimezone) and the admin's locale (the `locale` parameter Shopify
// puts on the app's URL). The time zone changes rarely, so it is asked once an hour per shop; when Shopify
// cannot be asked, days are UTC rather than the page failing.

const CACHE_MS = 3_600_000;
const cache = new Map<string, { timeZone: string; until: number }>();

export async function readShopTimeZone(graphql: GraphqlFn, shop: string, nowMs: number): Promise<string> {
  const cached = cache.get(shop);
  if (cached && cached.until > nowMs) return cached.timeZone;
  // The alerts' shop query: one document for the shop's details, already checked against the schema.
  const read = await readShopContact(graphql);
  if (read.kind !== "contact") return cached?.timeZone ?? DEFAULT_FORMAT.timeZone;
  const timeZone = parseTimeZone(read.contact.timeZone);
  cache.set(shop, { timeZone, until: nowMs + CACHE_MS });
  return timeZone;
}

export async function readFormatSettings(request: Request, graphql: GraphqlFn, shop: string): Promise<FormatSettings> {
  const locale = parseLocale(new URL(request.url).searchParams.get("locale"));
  return { locale, timeZone: await readShopTimeZone(graphql, shop, Date.now()) };
}
