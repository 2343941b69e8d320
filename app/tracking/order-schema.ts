// The parts of a REST orders/paid payload (API 2025-10) the Purchase mapping reads. Server-only (zod).
// Every field is optional and a field of the wrong type reads as absent: Shopify leaves many of them null
// for POS, draft and API orders, and one odd field must not cost the merchant the whole conversion.
import { z } from "zod";

function lenient<T extends z.ZodType>(schema: T) {
  return schema.nullish().catch(undefined);
}

const text = lenient(z.string());
const idLike = lenient(z.union([z.number(), z.string(), z.bigint()]));
const amount = lenient(z.union([z.string(), z.number()]));

const money = z.object({ amount, currency_code: text });
const moneySet = lenient(z.object({ shop_money: lenient(money), presentment_money: lenient(money) }));

const address = lenient(
  z.object({
    first_name: text,
    last_name: text,
    city: text,
    province_code: text,
    province: text,
    zip: text,
    country_code: text,
    country: text,
    phone: text,
  }),
);

export const lineItemSchema = z.object({
  id: idLike,
  product_id: idLike,
  variant_id: idLike,
  sku: text,
  quantity: lenient(z.union([z.number(), z.string()])),
  price: amount,
  price_set: moneySet,
  title: text,
});

export const orderSchema = z.object({
  id: idLike,
  admin_graphql_api_id: text,
  name: text,
  email: text,
  contact_email: text,
  phone: text,
  processed_at: text,
  created_at: text,
  currency: text,
  presentment_currency: text,
  total_price: amount,
  total_price_set: moneySet,
  total_tax: amount,
  total_tax_set: moneySet,
  total_shipping_price_set: moneySet,
  line_items: lenient(z.array(z.unknown())),
  customer: lenient(
    z.object({
      id: idLike,
      email: text,
      first_name: text,
      last_name: text,
      phone: text,
      default_address: address,
    }),
  ),
  billing_address: address,
  shipping_address: address,
  browser_ip: text,
  client_details: lenient(z.object({ browser_ip: text, user_agent: text })),
  note_attributes: lenient(z.array(z.unknown())),
  landing_site: text,
  source_name: text,
  checkout_token: text,
  test: lenient(z.boolean()),
  gateway: text,
  payment_gateway_names: lenient(z.array(z.string())),
});

export type ParsedOrder = z.infer<typeof orderSchema>;
export type ParsedLineItem = z.infer<typeof lineItemSchema>;
export type ParsedMoneySet = z.infer<typeof moneySet>;
export type ParsedAddress = z.infer<typeof address>;
