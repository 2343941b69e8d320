// Activates (or refreshes) this app's web pixel on a shop. The pixel's settings hold only pixel ids —
// never a secret — and must match the [settings] schema in extensions/web-pixel/shopify.extension.toml.

export type GraphqlFn = (query: string, options?: { variables?: Record<string, unknown> }) => Promise<Response>;

export const PIXEL_ACTIVATION_FAILURE = {
  invalidSettings: "invalid_settings",
  graphqlError: "graphql_error",
  noPixelIds: "no_pixel_ids",
} as const;

export type PixelActivationResult =
  | { ok: true; webPixelId: string; action: "created" | "updated" }
  | { ok: false; reason: (typeof PIXEL_ACTIVATION_FAILURE)[keyof typeof PIXEL_ACTIVATION_FAILURE]; detail: string };

const QUERY_PIXEL = `#graphql
  query TandemWebPixel { webPixel { id settings } }`;
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

async function readJson(response: Response): Promise<Record<string, unknown>> {
  const body: unknown = await response.json();
  return typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
}

function dataField(body: Record<string, unknown>, field: string): unknown {
  const data = body.data;
  return typeof data === "object" && data !== null ? (data as Record<string, unknown>)[field] : undefined;
}

async function currentPixelId(graphql: GraphqlFn): Promise<string | null> {
  // The webPixel query errors (rather than returning null) when the shop has no pixel for this app yet.
  try {
    const body = await readJson(await graphql(QUERY_PIXEL));
    const pixel = dataField(body, "webPixel");
    if (typeof pixel === "object" && pixel !== null && typeof (pixel as { id?: unknown }).id === "string") {
      return (pixel as { id: string }).id;
    }
    return null;
  } catch {
    return null;
  }
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

export async function activateWebPixel(
  graphql: GraphqlFn,
  shop: { pixelIds: string[] } | null,
): Promise<PixelActivationResult> {
  const pixelIds = shop?.pixelIds ?? [];
  // Shopify validates settings against the toml; an empty id list would fail that validation.
  if (pixelIds.length === 0) return { ok: false, reason: PIXEL_ACTIVATION_FAILURE.noPixelIds, detail: "no pixel id yet" };
  const webPixel = { settings: JSON.stringify({ pixelIds: pixelIds.join(",") }) };

  const existing = await currentPixelId(graphql);
  if (existing) {
    const body = await readJson(await graphql(UPDATE_PIXEL, { variables: { id: existing, webPixel } }));
    const result = outcome(dataField(body, "webPixelUpdate") as MutationPayload, "updated");
    return result === "taken" ? { ok: false, reason: PIXEL_ACTIVATION_FAILURE.graphqlError, detail: "TAKEN on update" } : result;
  }
  const body = await readJson(await graphql(CREATE_PIXEL, { variables: { webPixel } }));
  const created = outcome(dataField(body, "webPixelCreate") as MutationPayload, "created");
  if (created !== "taken") return created;
  // TAKEN: another request created it between our query and the mutation; update that one instead.
  const raced = await currentPixelId(graphql);
  if (!raced) return { ok: false, reason: PIXEL_ACTIVATION_FAILURE.graphqlError, detail: "TAKEN but no pixel found" };
  const retry = await readJson(await graphql(UPDATE_PIXEL, { variables: { id: raced, webPixel } }));
  const updated = outcome(dataField(retry, "webPixelUpdate") as MutationPayload, "updated");
  return updated === "taken" ? { ok: false, reason: PIXEL_ACTIVATION_FAILURE.graphqlError, detail: "TAKEN" } : updated;
}
