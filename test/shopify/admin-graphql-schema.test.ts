import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { ApiVersion } from "@shopify/shopify-api";
import { ADMIN_SCHEMA_VERSION, adminDocumentErrors } from "../admin/admin-schema";

// Every GraphQL document in app/ validates against Shopify's published Admin API schema for the version the
// app asks for, with no deprecated fields or enum values. Documents are found by walking every source file's
// syntax tree, so a query added anywhere in app/ is checked without registering it here; a document the walk
// cannot validate (built with ${…}, or not marked #graphql) fails the suite instead of escaping it.

const ROOT = new URL("../../", import.meta.url).pathname;
const APP = join(ROOT, "app");

type Found = { file: string; line: number; text: string; problem: string | null };

const OPERATION = /^\s*(?:#graphql\s*)?(?:query|mutation|subscription)\b[\s\S]*\{/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(?:ts|tsx|js|jsx|mjs)$/.test(entry.name) ? [path] : [];
  });
}

/** The GraphQL documents in one source text: `#graphql` literals, and anything else shaped like an operation. */
export function findDocuments(file: string, source: string): Found[] {
  const tree = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, file.endsWith("x") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found: Found[] = [];
  const at = (node: ts.Node) => tree.getLineAndCharacterOfPosition(node.getStart()).line + 1;
  const visit = (node: ts.Node): void => {
    if (ts.isNoSubstitutionTemplateLiteral(node) || ts.isStringLiteral(node)) {
      const tagged = node.text.includes("#graphql");
      if (tagged || OPERATION.test(node.text)) {
        found.push({ file, line: at(node), text: node.text, problem: tagged ? null : "a GraphQL operation without the #graphql marker" });
      }
    } else if (ts.isTemplateExpression(node) && (node.head.text.includes("#graphql") || OPERATION.test(node.head.text))) {
      found.push({ file, line: at(node), text: node.getText(), problem: "a GraphQL document built with ${…} cannot be validated; write it out whole" });
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(tree);
  // Belt and braces: every #graphql in the file's text must belong to a document the walk found.
  const markers = source.match(/#graphql/g)?.length ?? 0;
  const seen = found.reduce((sum, doc) => sum + (doc.text.match(/#graphql/g)?.length ?? 0), 0);
  if (markers !== seen) found.push({ file, line: 0, text: "", problem: `${markers} #graphql markers but ${seen} found in literals` });
  return found;
}

const documents = sourceFiles(APP).flatMap((file) => findDocuments(relative(ROOT, file), readFileSync(file, "utf8")));

describe("GraphQL documents Tandem sends to the Admin API", () => {
  it("are found where the app keeps them", () => {
    const files = new Set(documents.map((doc) => doc.file));
    expect([...files].sort()).toEqual(
      expect.arrayContaining(["app/admin/theme-embed.server.ts", "app/admin/web-pixel-state.server.ts", "app/shopify/activate-web-pixel.server.ts"]),
    );
    expect(documents.length).toBeGreaterThanOrEqual(4);
  });

  it.each(documents.map((doc) => [`${doc.file}:${doc.line}`, doc] as const))("%s is valid and uses nothing deprecated", (_where, doc) => {
    expect(doc.problem).toBeNull();
    expect(adminDocumentErrors(doc.text)).toEqual([]);
  });
});

describe("the API version", () => {
  it("is the same in shopify.app.toml, app/shopify/app.server.ts and the schema fixture", async () => {
    const toml = readFileSync(join(ROOT, "shopify.app.toml"), "utf8");
    const tomlVersion = /^\s*api_version\s*=\s*"([^"]+)"/m.exec(toml)?.[1];
    const { API_VERSION } = await import("../../app/shopify/app.server");
    expect(tomlVersion).toBe(ADMIN_SCHEMA_VERSION);
    expect(API_VERSION).toBe(ADMIN_SCHEMA_VERSION);
    expect(Object.values(ApiVersion)).toContain(ADMIN_SCHEMA_VERSION);
  });
});

describe("the checks themselves", () => {
  it("report a field the schema does not have", () => {
    expect(adminDocumentErrors("query { webPixel { id pixelIds } }")).toEqual([expect.stringContaining('Cannot query field "pixelIds" on type "WebPixel"')]);
  });

  it("report a deprecated field and a deprecated enum value", () => {
    expect(adminDocumentErrors("query { automaticDiscountNodes(first: 1) { nodes { id } } }")).toEqual([
      expect.stringContaining("automaticDiscountNodes is deprecated"),
    ]);
    expect(adminDocumentErrors("query { themes(first: 1, roles: [MOBILE]) { nodes { id } } }")).toEqual([
      expect.stringContaining('"ThemeRole.MOBILE" is deprecated'),
    ]);
  });

  it("report a syntax error", () => {
    expect(adminDocumentErrors("query { webPixel { id }")).toEqual([expect.stringContaining("Syntax Error")]);
  });

  it("find untagged operations, interpolated documents and markers outside a literal", () => {
    const source = [
      "const A = `#graphql\n query A { shop { id } }`;",
      'const B = "query B { shop { name } }";',
      "const C = `#graphql query C { ${field} }`;",
      "// #graphql in a comment is not a document",
    ].join("\n");
    const found = findDocuments("x.ts", source);
    expect(found.map((doc) => doc.problem)).toEqual([
      null,
      "a GraphQL operation without the #graphql marker",
      expect.stringContaining("cannot be validated"),
      "3 #graphql markers but 2 found in literals",
    ]);
  });
});
