import { isRecord, readGraphql } from "../admin/graphql-read.server";
import type { GraphqlFn } from "./graphql-fn";

// The shop owner's email (where Shopify itself writes to the merchant) and the shop's time zone, for alerts.

const SHOP_CONTACT_QUERY = `#graphql
  query TandemShopContact {
    shop {
      name
      email
      ianaTimezone
    }
  }`;

export type ShopContact = { name: string; email: string; timeZone: string };

export type ShopContactRead = { kind: "contact"; contact: ShopContact } | { kind: "unavailable"; detail: string };

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export async function readShopContact(graphql: GraphqlFn): Promise<ShopContactRead> {
  const read = await readGraphql(graphql, SHOP_CONTACT_QUERY);
  if (read.kind !== "data") return { kind: "unavailable", detail: read.detail };
  const shop = read.data.shop;
  if (!isRecord(shop) || typeof shop.email !== "string" || typeof shop.ianaTimezone !== "string") {
    return { kind: "unavailable", detail: "shop without email or time zone" };
  }
  return {
    kind: "contact",
    contact: {
      name: typeof shop.name === "string" ? shop.name : "",
      email: shop.email,
      timeZone: isTimeZone(shop.ianaTimezone) ? shop.ianaTimezone : "UTC",
    },
  };
}
