import { readGraphql, type GraphqlRead } from "../admin/graphql-read.server";
import type { GraphqlFn } from "./graphql-fn";
import { readWebPixel } from "../admin/web-pixel-state.server";
import { webPixelSettingsFor } from "../tracking/pixel/pixel-settings";
import { DEFAULT_PURCHASE_SETTINGS, type PurchaseSettings } from "../tracking/purchase-settings";

// Activates (or refreshes) this app's web pixel on a shop. The pixel's settings hold pixel ids, the value
// rules, the catalog id choice and the collector's URL (app/tracking/pixel/pixel-settings.ts) — never a
// secret — and must match the [settings] schema in extensions/web-pixel/shopify.extension.toml.
// Shopify's failures (GraphQL errors, userErrors, no connection) come back as a result, not thrown; only the
// library's "authenticate again" Response, or a bug, is thrown. Callers in install (afterAuth) catch even those.

export type { GraphqlFn } from "./graphql-fn";

export const PIXEL_ACTIVATION_FAILURE = {
  invalidSettings: "invalid_settings",
  graphqlError: "graphql_error",
  noPixelIds: "no_pixel_ids",
  unreachable: "unreachable",
} as const;

export type PixelActivationResult =
  | { ok: true; webPixelId: string; action: "created" | "updated" }
  | { ok: false; reason: (typeof PIXEL_ACTIVATION_FAILURE)[keyof typeof PIXEL_ACTIVATION_FAILURE]; detail: string };

const CREATE_PIXEL = `#graphql
  mutation TandemWebPixelCreate($webPixel: WebPixelInput!) {
    webPixelCreate(webPixel: $webPixel) { userErrors { code field message } webPixel { id settings } }
  }`;
const UPDATE_PIXEL = `#graphql
  mutation TandemWebPixelUpdate($id: ID!, $webPixel: WebPixelInput!) {
    webPixelUpdate(id: $id, webPixel: $webPixel) { userErrors { code field message } webPixel { id settings } }
  }`;

type UserError = { code?: string | null; message?: string | null };
type MutationPayload = { userErrors?: UserError[]; webPixel?: { id?: string } | null } | null | undefined;

type Failure = Extract<PixelActivationResult, { ok: false }>;

function failed(read: Exclude<GraphqlRead, { kind: "data" }>): Failure {
  const reason = read.kind === "unreachable" ? PIXEL_ACTIVATION_FAILURE.unreachable : PIXEL_ACTIVATION_FAILURE.graphqlError;
  return { ok: false, reason, detail: read.detail };
}

/** The pixel this app already has on the shop (null: none yet), or why Shopify could not say. */
async function currentPixelId(graphql: GraphqlFn): Promise<{ id: string | null } | Failure> {
  const state = await readWebPixel(graphql);
  if (state.kind === "connected") return { id: state.id };
  if (state.kind === "missing") return { id: null };
  const reason = state.cause === "unreachable" ? PIXEL_ACTIVATION_FAILURE.unreachable : PIXEL_ACTIVATION_FAILURE.graphqlError;
  return { ok: false, reason, detail: state.detail };
}

async function mutate(graphql: GraphqlFn, query: string, field: string, variables: Record<string, unknown>, action: "created" | "updated") {
  const read = await readGraphql(graphql, query, variables);
  return read.kind === "data" ? outcome(read.data[field] as MutationPayload, action) : failed(read);
}

function outcome(payload: MutationPayload, action: "created" | "updated"): PixelActivationResult | "taken" {
  const errors = payload?.userErrors ?? [];
  if (errors.some((error) => error.code === "TAKEN")) return "taken";
  if (errors.length > 0) {
    const invalid = errors.some((error) => error.code === "INVALID_SETTINGS");
    return {
      ok: false,
      reason: invalid ? PIXEL_ACTIVATION_FAILURE.invalidSettings : PIXEL_ACTIVATION_FAILURE.graphqlError,
      detail: errors.map((error) => `${error.code ?? "ERROR"}: ${error.message ?? ""}`).join("; "),
    };
  }
  const id = payload?.webPixel?.id;
  if (!id) return { ok: false, reason: PIXEL_ACTIVATION_FAILURE.graphqlError, detail: "no webPixel in response" };
  return { ok: true, webPixelId: id, action };
}

/**
 * The collector the pixel posts its events to: the app's own URL (decision 0027 says why not the App Proxy).
 * A path in SHOPIFY_APP_URL is kept, so an app served under a prefix gets `<prefix>/collect`.
 */
export function collectorUrlFor(appUrl: string): string {
  return `${appUrl.replace(/\/+$/, "")}/collect`;
}

/** The settings JSON string Shopify stores for the shop's pixel; settings.server.ts compares it to decide an update. */
export function webPixelSettingsJson(shop: { pixelIds: string[]; settings?: PurchaseSettings }, collectorUrl?: string): string {
  return JSON.stringify(webPixelSettingsFor(shop.pixelIds, shop.settings ?? DEFAULT_PURCHASE_SETTINGS, collectorUrl));
}

/** `collectorUrl` (from collectorUrlFor) is written into the settings; without it the pixel calls no collector. */
export async function activateWebPixel(
  graphql: GraphqlFn,
  shop: { pixelIds: string[]; settings?: PurchaseSettings } | null,
  collectorUrl?: string,
): Promise<PixelActivationResult> {
  const pixelIds = shop?.pixelIds ?? [];
  // Shopify validates settings against the toml; an empty id list would fail that validation.
  if (shop === null || pixelIds.length === 0) return { ok: false, reason: PIXEL_ACTIVATION_FAILURE.noPixelIds, detail: "no pixel id yet" };
  const webPixel = { settings: webPixelSettingsJson(shop, collectorUrl) };

  const existing = await currentPixelId(graphql);
  if ("ok" in existing) return existing;
  if (existing.id !== null) {
    const result = await mutate(graphql, UPDATE_PIXEL, "webPixelUpdate", { id: existing.id, webPixel }, "updated");
    return result === "taken" ? { ok: false, reason: PIXEL_ACTIVATION_FAILURE.graphqlError, detail: "TAKEN on update" } : result;
  }
  const created = await mutate(graphql, CREATE_PIXEL, "webPixelCreate", { webPixel }, "created");
  if (created !== "taken") return created;
  // TAKEN: another request created it between our query and the mutation; update that one instead.
  const raced = await currentPixelId(graphql);
  if ("ok" in raced) return raced;
  if (raced.id === null) return { ok: false, reason: PIXEL_ACTIVATION_FAILURE.graphqlError, detail: "TAKEN but no pixel found" };
  const updated = await mutate(graphql, UPDATE_PIXEL, "webPixelUpdate", { id: raced.id, webPixel }, "updated");
  return updated === "taken" ? { ok: false, reason: PIXEL_ACTIVATION_FAILURE.graphqlError, detail: "TAKEN" } : updated;
}
