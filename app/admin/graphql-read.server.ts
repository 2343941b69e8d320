import { GraphqlQueryError, HttpMaxRetriesError, HttpRequestError, HttpResponseError } from "@shopify/shopify-api";
import type { GraphqlFn } from "../shopify/graphql-fn";

// Reading Admin GraphQL answers without trusting their shape. The library's errors are recognised by class,
// never by `name` (it does not set one): admin.graphql throws GraphqlQueryError when Shopify answers with
// top-level `errors`, HttpRequestError when Shopify was not reached, and — from authenticate.admin — a
// Response for an HTTP error status (see docs/shopify-platform-facts.md).

export type GraphqlRead =
  | { kind: "data"; data: Record<string, unknown> }
  | { kind: "errors"; messages: string[]; detail: string }
  | { kind: "unreachable"; detail: string };

const DETAIL_LIMIT = 300;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function messagesOf(errors: unknown): string[] {
  if (!Array.isArray(errors)) return [];
  return errors.map((error) => (isRecord(error) && typeof error.message === "string" ? error.message : JSON.stringify(error)));
}

function errorsRead(messages: string[], fallback: string): GraphqlRead {
  const all = messages.length > 0 ? messages : [fallback];
  return { kind: "errors", messages: all, detail: all.join("; ").slice(0, DETAIL_LIMIT) };
}

/** The library's errors become reads; a Response asking to re-authenticate, and anything else (a bug), is rethrown. */
function readThrown(error: unknown): GraphqlRead {
  if (error instanceof GraphqlQueryError) {
    const body = isRecord(error.body) ? error.body : {};
    return errorsRead(messagesOf(isRecord(body.errors) ? body.errors.graphQLErrors : undefined), error.message);
  }
  if (error instanceof HttpRequestError || error instanceof HttpResponseError || error instanceof HttpMaxRetriesError) {
    return { kind: "unreachable", detail: error.message.slice(0, DETAIL_LIMIT) };
  }
  // authenticate.admin's client turns an HTTP error status into a Response; 401 and redirects mean
  // "authenticate again" and must reach Remix untouched.
  if (error instanceof Response && error.status !== 401 && (error.status < 300 || error.status >= 400)) {
    return { kind: "unreachable", detail: `Shopify answered HTTP ${error.status}` };
  }
  throw error;
}

export async function readGraphql(graphql: GraphqlFn, query: string, variables?: Record<string, unknown>): Promise<GraphqlRead> {
  let body: unknown;
  try {
    const response = await graphql(query, variables === undefined ? undefined : { variables });
    body = await response.json();
  } catch (error) {
    return readThrown(error);
  }
  if (!isRecord(body)) return errorsRead([], "empty answer");
  if (Array.isArray(body.errors) && body.errors.length > 0) return errorsRead(messagesOf(body.errors), "errors");
  return isRecord(body.data) ? { kind: "data", data: body.data } : errorsRead([], "no data in answer");
}
