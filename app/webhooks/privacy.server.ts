import { z } from "zod";
import type { AppContext } from "../context.server";

// app/uninstalled and the three mandatory privacy topics. Every handler is idempotent: Shopify may deliver
// each more than once, and after the shop's data is already gone.

type Deps = Pick<AppContext, "database" | "shops" | "sessionStorage" | "logger">;

const CustomerRedact = z.object({
  customer: z.object({ id: z.union([z.number(), z.string()]) }).partial().nullish(),
  orders_to_redact: z.array(z.union([z.number(), z.string()])).nullish(),
});
const DataRequest = CustomerRedact.extend({
  orders_requested: z.array(z.union([z.number(), z.string()])).nullish(),
  data_request: z.object({ id: z.union([z.number(), z.string()]) }).partial().nullish(),
});

async function deleteSessions(deps: Deps, shop: string): Promise<number> {
  const sessions = await deps.sessionStorage.findSessionsByShop(shop);
  if (sessions.length > 0) await deps.sessionStorage.deleteSessions(sessions.map((session) => session.id));
  return sessions.length;
}

/** Sessions and the Meta token go; settings and delivery history stay until shop/redact (48 h later). */
export async function handleAppUninstalled(deps: Deps, shop: string, nowMs: number): Promise<void> {
  const sessions = await deleteSessions(deps, shop);
  await deps.shops.markUninstalled(shop, nowMs);
  deps.logger.info({ shop, sessions }, "app uninstalled: sessions and credentials removed");
}

function orderIds(values: ReadonlyArray<number | string> | null | undefined): string[] {
  return (values ?? []).map((value) => String(value).replace(/^.*\//, ""));
}

/** Deletes the delivery records (hashed events included) of the named orders. */
export async function handleCustomersRedact(deps: Deps, shop: string, payload: unknown): Promise<number> {
  const parsed = CustomerRedact.safeParse(payload);
  const ids = parsed.success ? orderIds(parsed.data.orders_to_redact) : [];
  if (ids.length === 0) return 0;
  const result = await deps.database.db
    .deleteFrom("deliveries")
    .where("shop", "=", shop)
    .where("order_id", "in", ids)
    .executeTakeFirst();
  const deleted = Number(result.numDeletedRows);
  await deps.database.db.deleteFrom("order_events").where("shop", "=", shop).where("order_id", "in", ids).execute();
  deps.logger.info({ shop, orders: ids.length, deleted }, "customers/redact: delivery records deleted");
  return deleted;
}

/** Everything about the shop: settings, token, deliveries, receipts, sessions. */
export async function handleShopRedact(deps: Deps, shop: string): Promise<void> {
  await deleteSessions(deps, shop);
  await deps.database.db.deleteFrom("deliveries").where("shop", "=", shop).execute();
  await deps.database.db.deleteFrom("webhook_receipts").where("shop", "=", shop).execute();
  await deps.database.db.deleteFrom("order_events").where("shop", "=", shop).execute();
  await deps.shops.deleteShop(shop);
  deps.logger.info({ shop }, "shop/redact: all shop data deleted");
}

export type DataRequestReport = {
  shop: string;
  ordersRequested: number;
  deliveryRecords: number;
  /** What a delivery record holds — no raw PII is ever stored. */
  fieldsHeld: string[];
};

/**
 * Tandem stores no raw customer data: only SHA-256 hashes inside the event sent to Meta, plus ids and
 * statuses. The report says what is held for the requested orders, for the merchant to pass on.
 */
export async function handleCustomersDataRequest(deps: Deps, shop: string, payload: unknown): Promise<DataRequestReport> {
  const parsed = DataRequest.safeParse(payload);
  const ids = parsed.success ? orderIds(parsed.data.orders_requested) : [];
  const rows =
    ids.length === 0
      ? []
      : await deps.database.db
          .selectFrom("deliveries")
          .select(["id"])
          .where("shop", "=", shop)
          .where("order_id", "in", ids)
          .execute();
  const report: DataRequestReport = {
    shop,
    ordersRequested: ids.length,
    deliveryRecords: rows.length,
    fieldsHeld: rows.length === 0 ? [] : ["order id", "event id", "SHA-256 hashed match keys", "IP address", "user agent", "delivery status"],
  };
  deps.logger.info(report, "customers/data_request answered");
  return report;
}
