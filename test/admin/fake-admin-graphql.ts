import type { GraphqlFn } from "../../app/shopify/activate-web-pixel.server";

// A stand-in for Shopify's Admin GraphQL, answering only the operations Tandem sends (by operation name),
// with the shapes Shopify documents. Used directly as a GraphqlFn in unit tests, and behind a fetch
// interceptor when the real server build calls admin.graphql.

export type FakeAdminState = {
  pixel: { id: string; settings: string } | null;
  /** Raw config/settings_data.json of the main theme; null = the file is missing. */
  settingsData: string | null;
  themeName: string;
  /** userErrors the next create/update answers with, e.g. [{ code: "TAKEN" }]. */
  nextUserErrors: Array<{ code: string; message: string }>;
  calls: Array<{ operation: string; variables: Record<string, unknown> }>;
};

export function createFakeAdmin(initial: Partial<FakeAdminState> = {}) {
  const state: FakeAdminState = { pixel: null, settingsData: null, themeName: "Dawn", nextUserErrors: [], calls: [], ...initial };
  let created = 0;

  function mutationResult(field: string, variables: Record<string, unknown>, id: string) {
    const errors = state.nextUserErrors.splice(0);
    if (errors.length > 0) return { data: { [field]: { userErrors: errors.map((e) => ({ ...e, field: ["settings"] })), webPixel: null } } };
    const webPixel = variables.webPixel as { settings: string };
    state.pixel = { id, settings: webPixel.settings };
    return { data: { [field]: { userErrors: [], webPixel: state.pixel } } };
  }

  function answer(query: string, variables: Record<string, unknown>): object {
    const operation = /(?:query|mutation)\s+(\w+)/.exec(query)?.[1] ?? "anonymous";
    state.calls.push({ operation, variables });
    if (operation === "TandemWebPixelCreate") {
      if (state.pixel !== null && state.nextUserErrors.length === 0) {
        return { data: { webPixelCreate: { userErrors: [{ code: "TAKEN", message: "Web pixel is taken.", field: null }], webPixel: null } } };
      }
      created += 1;
      return mutationResult("webPixelCreate", variables, `gid://shopify/WebPixel/${created}`);
    }
    if (operation === "TandemWebPixelUpdate") return mutationResult("webPixelUpdate", variables, String(variables.id));
    if (operation.startsWith("TandemWebPixel")) {
      return state.pixel === null
        ? { data: { webPixel: null }, errors: [{ message: "No web pixel was found for this app.", path: ["webPixel"] }] }
        : { data: { webPixel: state.pixel } };
    }
    if (operation === "TandemMainTheme") {
      const files = state.settingsData === null ? [] : [{ body: { content: state.settingsData } }];
      return { data: { themes: { nodes: [{ name: state.themeName, files: { nodes: files } }] } } };
    }
    return { errors: [{ message: `fake admin does not know ${operation}` }] };
  }

  const graphql: GraphqlFn = async (query, options) => Response.json(answer(query, options?.variables ?? {}));

  /** Wraps fetch so requests to https://<shop>/admin/api/<version>/graphql.json reach the fake. */
  function interceptFetch(shop: string, original: typeof fetch): typeof fetch {
    const prefix = `https://${shop}/admin/api/`;
    return async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (!url.startsWith(prefix)) return original(input, init);
      const raw = input instanceof Request ? await input.text() : String(init?.body ?? "{}");
      const body = JSON.parse(raw) as { query: string; variables?: Record<string, unknown> };
      return Response.json(answer(body.query, body.variables ?? {}));
    };
  }

  return { state, graphql, interceptFetch };
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
