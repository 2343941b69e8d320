import { z } from "zod";
import type { Services } from "../services";
import { createDataRequests, type MatchHashes } from "../db/data-requests.server";
import { createMaintenanceJobs, JOB_KIND } from "../db/maintenance-jobs.server";
import { nodeSha256 } from "../lib/node-sha256.server";
import { hashUserDataValue } from "../tracking/hash-user-data";
import { normalizeEmail, normalizeExternalId } from "../tracking/normalize";
import { normalizePhone } from "../tracking/phone";

// app/uninstalled and the three mandatory privacy topics. Every handler is idempotent: Shopify may deliver
// each more than once, and after the shop's data is already gone. Bulk work (a shop's whole history, a
// customer's orders, the search behind a data request) is never done here: the handler queues a durable job
// and answers; the maintenance loop does it in small chunks (decision 0020), so one big shop cannot hold
// every other shop's webhooks.

type Deps = Pick<Services, "database" | "shops" | "sessionStorage" | "logger">;

const Id = z.union([z.number(), z.string()]);
const CustomerRedact = z.object({
  customer: z.object({ id: Id, email: z.string().nullish(), phone: z.string().nullish() }).partial().nullish(),
  orders_to_redact: z.array(Id).nullish(),
});
const DataRequest = CustomerRedact.extend({
  orders_requested: z.array(Id).nullish(),
  data_request: z.object({ id: Id }).partial().nullish(),
});

async function deleteSessions(deps: Deps, shop: string): Promise<number> {
  const sessions = await deps.sessionStorage.findSessionsByShop(shop);
  if (sessions.length > 0) await deps.sessionStorage.deleteSessions(sessions.map((session) => session.id));
  return sessions.length;
}

/**
 * Sessions and the Meta token go; settings and delivery history (recorded cancellations and refunds with it)
 * stay until shop/redact (48 h later). Bounded
 * work — one shop row and that shop's few sessions — so it stays inline.
 */
export async function handleAppUninstalled(deps: Deps, shop: string, nowMs: number): Promise<void> {
  const sessions = await deleteSessions(deps, shop);
  await deps.shops.markUninstalled(shop, nowMs);
  deps.logger.info({ shop, sessions }, "app uninstalled: sessions and credentials removed");
}

function orderIds(values: ReadonlyArray<number | string> | null | undefined): string[] {
  return [...new Set((values ?? []).map((value) => String(value).replace(/^.*\//, "")))];
}

function idText(value: number | string | null | undefined): string | null {
  return value === null || value === undefined ? null : String(value).replace(/^.*\//, "");
}

/**
 * Queues the deletion of the named orders' delivery records, claims and recorded cancellations and refunds
 * (decision 0024); returns the job id (null: nothing named).
 */
export async function handleCustomersRedact(deps: Deps, shop: string, payload: unknown, nowMs = Date.now()): Promise<number | null> {
  const parsed = CustomerRedact.safeParse(payload);
  const ids = parsed.success ? orderIds(parsed.data.orders_to_redact) : [];
  const customerId = parsed.success ? idText(parsed.data.customer?.id) : null;
  if (ids.length === 0 && customerId === null) return null;
  const job = await createMaintenanceJobs(deps.database).enqueue(JOB_KIND.customerRedact, shop, { orderIds: ids, customerId }, nowMs);
  deps.logger.info({ shop, orders: ids.length, job }, "customers/redact: deletion queued");
  return job;
}

/**
 * Queues the deletion of everything about the shop: settings, token, deliveries, claims, receipts, sessions,
 * recorded cancellations and refunds.
 */
export async function handleShopRedact(deps: Deps, shop: string, nowMs = Date.now()): Promise<number> {
  const job = await createMaintenanceJobs(deps.database).enqueue(JOB_KIND.shopRedact, shop, {}, nowMs);
  deps.logger.info({ shop, job }, "shop/redact: deletion queued");
  return job;
}

async function matchHashes(customer: { id?: number | string; email?: string | null; phone?: string | null } | null | undefined): Promise<MatchHashes> {
  if (!customer) return {};
  const [em, ph, externalId] = await Promise.all([
    hashUserDataValue(customer.email, normalizeEmail, nodeSha256),
    hashUserDataValue(customer.phone, (value) => normalizePhone(value), nodeSha256),
    hashUserDataValue(customer.id, normalizeExternalId, nodeSha256),
  ]);
  return { ...(em && { em }), ...(ph && { ph }), ...(externalId && { external_id: externalId }) };
}

/**
 * Records the request and queues the search for what Tandem holds for that customer: the named orders'
 * events and any event whose hashed email, phone or customer id matches. The email and phone are hashed here,
 * as the events store them, and never kept raw. The merchant reads the result with
 * `tandem data-requests:show --id <id>`. Returns the data request's id.
 */
export async function handleCustomersDataRequest(deps: Deps, shop: string, payload: unknown, nowMs = Date.now()): Promise<number> {
  const parsed = DataRequest.safeParse(payload);
  const data = parsed.success ? parsed.data : null;
  const id = await createDataRequests(deps.database).create({
    shop,
    requestId: idText(data?.data_request?.id),
    customerId: idText(data?.customer?.id),
    ordersRequested: orderIds(data?.orders_requested),
    matchHashes: await matchHashes(data?.customer),
    nowMs,
  });
  const job = await createMaintenanceJobs(deps.database).enqueue(JOB_KIND.dataRequest, shop, { dataRequestId: id }, nowMs);
  deps.logger.info({ shop, dataRequest: id, job }, "customers/data_request: recorded, gathering queued");
  return id;
}
