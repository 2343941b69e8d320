import { readFileSync } from "node:fs";
import type { GraphqlFn } from "../../app/shopify/activate-web-pixel.server";
import { ADMIN_SCHEMA_VERSION, adminRequestErrors } from "./admin-schema";
import { realAdminGraphql, type AdminAnswer, type AdminHandler } from "./real-admin-client";

// A stand-in for Shopify's Admin GraphQL API, answering the operations Tandem sends (by operation name) with
// the shapes Shopify documents. It refuses, as Shopify does, any document or variables that do not validate
// against the published schema (sim/fixtures/shopify/admin-schema-2026-10.json.gz).
//
// `graphql` is the real `admin.graphql` of @shopify/shopify-app-remix talking HTTP to this fake on loopback
// (real-admin-client.ts), so it throws what the library throws: GraphqlQueryError when an answer carries
// `errors`, HttpRequestError when the connection fails, a Response for an HTTP error status. `interceptFetch`
// serves the same answers to the real server build.
//
// Not pinned to the real thing: the answers' content. The shapes follow Shopify's documentation and the schema;
// the text of "No web pixel was found for this app." is what public apps match on, but its `extensions` and the
// exact wording of validation errors are Shopify's and unknown here.

export type FakeAdminState = {
  pixel: { id: string; settings: string } | null;
  /** Raw config/settings_data.json of the main theme; null = the file is missing. */
  settingsData: string | null;
  themeName: string;
  /** userErrors the next create/update answers with, e.g. [{ code: "TAKEN" }]. */
  nextUserErrors: Array<{ code: string; message: string }>;
  /** An error the webPixel query answers instead of the pixel, e.g. a missing read_pixels scope. */
  pixelQueryError: string | null;
  /** Shopify cannot be reached ("network": the connection drops) or answers this HTTP status, until reset. */
  outage: null | "network" | number;
  /** What `shop { … }` answers (alerts read the owner's email and the time zone). */
  shop: { name: string; email: string; ianaTimezone: string };
  /** What `ordersCount(query:)` answers, given the search string; precision EXACT. */
  ordersCount: (query: string) => number;
  calls: Array<{ operation: string; variables: Record<string, unknown> }>;
  /** Requests refused because the document or its variables do not validate against the schema. */
  refused: Array<{ operation: string; errors: string[] }>;
};

export const NO_WEB_PIXEL_MESSAGE = "No web pixel was found for this app.";

const PIXEL_TOML = readFileSync(new URL("../../extensions/web-pixel/shopify.extension.toml", import.meta.url), "utf8");

/** The `[settings.fields.<key>]` the web pixel's toml declares, and which of them carry a `min` validation. */
export function declaredPixelSettings(toml = PIXEL_TOML): { fields: string[]; required: string[] } {
  const sections = toml.split(/^(?=\[)/m);
  const fields: string[] = [];
  const required: string[] = [];
  for (const section of sections) {
    const key = /^\[settings\.fields\.([A-Za-z0-9_]+)\]/.exec(section)?.[1];
    if (key === undefined) continue;
    fields.push(key);
    if (/name\s*=\s*"min"/.test(section)) required.push(key);
  }
  return { fields, required };
}

/**
 * What Shopify checks on webPixelCreate/webPixelUpdate, as far as its documentation says: the settings JSON
 * matches the toml's fields (single-line text: strings), and a field with `min` is present and not empty.
 */
export function pixelSettingsProblems(settings: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(settings);
  } catch {
    return ["settings: not JSON"];
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return ["settings: not an object"];
  const { fields, required } = declaredPixelSettings();
  const problems: string[] = [];
  for (const [key, value] of Object.entries(parsed)) {
    if (!fields.includes(key)) problems.push(`${key}: not a declared setting`);
    else if (typeof value !== "string") problems.push(`${key}: not a string`);
  }
  for (const key of required) {
    const value = (parsed as Record<string, unknown>)[key];
    if (typeof value !== "string" || value === "") problems.push(`${key}: is required`);
  }
  return problems;
}

export function createFakeAdmin(initial: Partial<FakeAdminState> = {}) {
  const state: FakeAdminState = {
    pixel: null,
    settingsData: null,
    themeName: "Dawn",
    nextUserErrors: [],
    pixelQueryError: null,
    outage: null,
    shop: { name: "Fake Shop", email: "owner@fake-shop.example", ianaTimezone: "UTC" },
    ordersCount: () => 0,
    calls: [],
    refused: [],
    ...initial,
  };
  let created = 0;

  function mutationResult(field: string, variables: Record<string, unknown>, id: string) {
    const errors = state.nextUserErrors.splice(0);
    const webPixel = variables.webPixel as { settings: string };
    for (const problem of pixelSettingsProblems(webPixel.settings)) errors.push({ code: "INVALID_SETTINGS", message: problem });
    if (errors.length > 0) return { data: { [field]: { userErrors: errors.map((e) => ({ ...e, field: ["settings"] })), webPixel: null } } };
    state.pixel = { id, settings: webPixel.settings };
    return { data: { [field]: { userErrors: [], webPixel: state.pixel } } };
  }

  function operationAnswer(operation: string, variables: Record<string, unknown>): object {
    if (operation === "TandemWebPixelCreate") {
      if (state.pixel !== null && state.nextUserErrors.length === 0) {
        return { data: { webPixelCreate: { userErrors: [{ code: "TAKEN", message: "Web pixel is taken.", field: null }], webPixel: null } } };
      }
      created += 1;
      return mutationResult("webPixelCreate", variables, `gid://shopify/WebPixel/${created}`);
    }
    if (operation === "TandemWebPixelUpdate") return mutationResult("webPixelUpdate", variables, String(variables.id));
    if (operation.startsWith("TandemWebPixel")) {
      if (state.pixelQueryError !== null) return { data: { webPixel: null }, errors: [{ message: state.pixelQueryError, path: ["webPixel"] }] };
      return state.pixel === null
        ? { data: { webPixel: null }, errors: [{ message: NO_WEB_PIXEL_MESSAGE, locations: [{ line: 2, column: 28 }], path: ["webPixel"] }] }
        : { data: { webPixel: state.pixel } };
    }
    if (operation === "TandemMainTheme") {
      const files = state.settingsData === null ? [] : [{ body: { content: state.settingsData } }];
      return { data: { themes: { nodes: [{ name: state.themeName, files: { nodes: files } }] } } };
    }
    if (operation === "TandemShopContact") return { data: { shop: state.shop } };
    if (operation === "TandemOrdersCount") return { data: { ordersCount: { count: state.ordersCount(String(variables.query)), precision: "EXACT" } } };
    return { errors: [{ message: `fake admin does not know ${operation}` }] };
  }

  /** One POST to /admin/api/<version>/graphql.json, answered as Shopify would. */
  function answer(path: string, raw: string): AdminAnswer {
    if (state.outage === "network") return { drop: true };
    if (typeof state.outage === "number") return { status: state.outage, body: { errors: `HTTP ${state.outage} from the fake` } };
    if (path !== `/admin/api/${ADMIN_SCHEMA_VERSION}/graphql.json`) return { status: 404, body: { errors: "Not Found" } };
    const body = JSON.parse(raw) as { query: string; variables?: Record<string, unknown> };
    const variables = body.variables ?? {};
    const operation = /(?:query|mutation)\s+(\w+)/.exec(body.query)?.[1] ?? "anonymous";
    const errors = adminRequestErrors(body.query, variables);
    if (errors.length > 0) {
      state.refused.push({ operation, errors });
      return { status: 200, body: { errors: errors.map((message) => ({ message })) } };
    }
    state.calls.push({ operation, variables });
    return { status: 200, body: operationAnswer(operation, variables) };
  }

  const handler: AdminHandler = ({ path, body }) => answer(path, body);
  let admin: Promise<GraphqlFn> | undefined;
  const graphql: GraphqlFn = async (query, options) => {
    admin ??= realAdminGraphql(handler);
    return (await admin)(query, options);
  };

  /** Wraps fetch so requests to https://<shop>/admin/api/<version>/graphql.json reach the fake. */
  function interceptFetch(shop: string, original: typeof fetch): typeof fetch {
    const prefix = `https://${shop}`;
    return async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (!url.startsWith(`${prefix}/admin/api/`)) return original(input, init);
      const raw = input instanceof Request ? await input.text() : String(init?.body ?? "{}");
      const reply = answer(url.slice(prefix.length), raw);
      if ("drop" in reply) throw new TypeError("fetch failed");
      return Response.json(reply.body, { status: reply.status });
    };
  }

  return { state, graphql, handler, interceptFetch };
}

export function settingsDataWithEmbed(opts: { apiKeyHandle?: string; disabled: boolean; comment?: boolean }): string {
  const json = JSON.stringify({
    current: {
      blocks: {
        "1234567890": { type: `shopify://apps/${opts.apiKeyHandle ?? "tandem"}/blocks/tandem-capture/0e7f`, disabled: opts.disabled, settings: {} },
        other: { type: "shopify://apps/reviews/blocks/stars/abcd", disabled: false, settings: {} },
      },
    },
  });
  return opts.comment === false ? json : `/*\n * IMPORTANT: The contents of this file are auto-generated.\n */\n${json}`;
}
