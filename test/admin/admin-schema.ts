import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import {
  buildClientSchema,
  getOperationAST,
  getVariableValues,
  NoDeprecatedCustomRule,
  parse,
  specifiedRules,
  validate,
  type GraphQLSchema,
  type IntrospectionQuery,
} from "graphql";

// Shopify's published Admin API schema (an introspection result, gzipped) — see admin-schema-2026-10.md next
// to the file for where it comes from. Every GraphQL document Tandem sends must validate against it.

export const ADMIN_SCHEMA_VERSION = "2026-10";
const FIXTURE = new URL(`../../sim/fixtures/shopify/admin-schema-${ADMIN_SCHEMA_VERSION}.json.gz`, import.meta.url);

let schema: GraphQLSchema | undefined;

export function adminSchema(): GraphQLSchema {
  if (schema) return schema;
  const introspection = JSON.parse(gunzipSync(readFileSync(FIXTURE)).toString("utf8")) as { data: IntrospectionQuery };
  schema = buildClientSchema(introspection.data);
  return schema;
}

/** Shopify's answer to a document it cannot run: messages only, empty when the document is valid and current. */
export function adminDocumentErrors(document: string): string[] {
  let parsed;
  try {
    parsed = parse(document);
  } catch (error) {
    return [error instanceof Error ? error.message : String(error)];
  }
  return validate(adminSchema(), parsed, [...specifiedRules, NoDeprecatedCustomRule]).map((error) => error.message);
}

/** What Shopify refuses about a request before running it: the document, then the variables' types. */
export function adminRequestErrors(document: string, variables: Record<string, unknown>): string[] {
  const documentErrors = adminDocumentErrors(document);
  if (documentErrors.length > 0) return documentErrors;
  const operation = getOperationAST(parse(document));
  if (!operation) return ["the document must hold exactly one operation, or name the one to run"];
  const coerced = getVariableValues(adminSchema(), operation.variableDefinitions ?? [], variables);
  return coerced.errors?.map((error) => error.message) ?? [];
}
