import type { GraphqlFn } from "../shopify/activate-web-pixel.server";

// Reading Admin GraphQL answers without trusting their shape. admin.graphql throws GraphqlQueryError when
// Shopify answers with top-level errors; anything else thrown means Shopify was not reached.

export type GraphqlRead = { kind: "data"; data: Record<string, unknown> } | { kind: "errors"; detail: string } | { kind: "unreachable"; detail: string };

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export async function readGraphql(graphql: GraphqlFn, query: string, variables?: Record<string, unknown>): Promise<GraphqlRead> {
  let body: unknown;
  try {
    const response = await graphql(query, variables === undefined ? undefined : { variables });
    body = await response.json();
  } catch (error) {
    const name = error instanceof Error ? error.name : "";
    const message = error instanceof Error ? error.message : String(error);
    return name === "GraphqlQueryError" ? { kind: "errors", detail: message } : { kind: "unreachable", detail: message };
  }
  if (!isRecord(body)) return { kind: "errors", detail: "empty answer" };
  if (Array.isArray(body.errors) && body.errors.length > 0) return { kind: "errors", detail: JSON.stringify(body.errors).slice(0, 300) };
  return isRecord(body.data) ? { kind: "data", data: body.data } : { kind: "errors", detail: "no data in answer" };
}
