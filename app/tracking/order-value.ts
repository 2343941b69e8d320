// custom_data money and contents for a Purchase (docs/meta-capi-facts.md, "custom_data of every event").
// Server-only; no I/O.
import type { CapiContent } from "./capi-types";
import { catalogContentId, type CatalogIdSettings } from "./content-id";
import { lineItemSchema } from "./order-schema";
import type { ParsedMoneySet, ParsedOrder } from "./order-schema";
import type { PurchaseSettings } from "./purchase-settings";
import { currencyCode, roundMoney } from "./money";

type MoneyKey = "shop_money" | "presentment_money";

export type OrderValue = { value: number; currency: string; moneyKey: MoneyKey };

/** A REST decimal string or a number as a finite number; anything else null. */
export function parseAmount(raw: unknown): number | null {
  if (typeof raw === "number") return Number.isFinite(raw) ? raw : null;
  if (typeof raw !== "string" || !/^-?\d+(\.\d+)?$/.test(raw.trim())) return null;
  return Number(raw.trim());
}

function fromSet(set: ParsedMoneySet, key: MoneyKey): number | null {
  return parseAmount(set?.[key]?.amount);
}

/**
 * Order total in the currency the settings ask for, less shipping and/or tax. If the presentment amount is
 * missing the shop amount is used for every part, so value and currency always belong together.
 */
export function orderValue(order: ParsedOrder, settings: PurchaseSettings): OrderValue | null {
  const preferred: MoneyKey = settings.valueSource === "presentment" ? "presentment_money" : "shop_money";
  const candidates: MoneyKey[] = preferred === "presentment_money" ? [preferred, "shop_money"] : [preferred];
  for (const key of candidates) {
    const total = fromSet(order.total_price_set, key) ?? (key === "shop_money" ? parseAmount(order.total_price) : null);
    const currency =
      currencyCode(order.total_price_set?.[key]?.currency_code) ??
      currencyCode(key === "shop_money" ? order.currency : order.presentment_currency);
    if (total === null || currency === null) continue;
    const shipping = settings.includeShipping ? 0 : (fromSet(order.total_shipping_price_set, key) ?? 0);
    const tax = settings.includeTax
      ? 0
      : (fromSet(order.total_tax_set, key) ?? (key === "shop_money" ? parseAmount(order.total_tax) : null) ?? 0);
    return { value: Math.max(0, roundMoney(total - shipping - tax)), currency, moneyKey: key };
  }
  return null;
}

function quantityOf(raw: unknown): number | null {
  const quantity = typeof raw === "string" ? Number(raw) : raw;
  return typeof quantity === "number" && Number.isInteger(quantity) && quantity > 0 ? quantity : null;
}

/**
 * One content per line item with the catalog id the settings ask for (content-id.ts: the pixel applies the same
 * rule) and a usable quantity; item_price in the same currency as value.
 */
export function orderContents(order: ParsedOrder, moneyKey: MoneyKey, catalog: CatalogIdSettings): CapiContent[] {
  const contents: CapiContent[] = [];
  for (const raw of order.line_items ?? []) {
    const parsed = lineItemSchema.safeParse(raw);
    if (!parsed.success) continue;
    const item = parsed.data;
    const id = catalogContentId({ variantId: item.variant_id, productId: item.product_id, sku: item.sku }, catalog);
    const quantity = quantityOf(item.quantity);
    if (id === null || quantity === null) continue;
    const price = fromSet(item.price_set, moneyKey) ?? (moneyKey === "shop_money" ? parseAmount(item.price) : null);
    contents.push(price === null ? { id, quantity } : { id, quantity, item_price: roundMoney(price) });
  }
  return contents;
}
