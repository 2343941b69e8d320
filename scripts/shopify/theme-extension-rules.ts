// What Shopify accepts in a theme app extension, as rules `npm test` can run offline. The Shopify CLI checks
// folders and file types only inside `shopify app deploy`, which needs a Partner login and the network, and
// nothing checks the documented size limits before Shopify refuses an upload. So they live here, once.
//
// Sources (summarised in docs/shopify-platform-facts.md, "Theme app extensions"):
// - shopify.dev, "Configure theme app extensions" (docs/apps/build/online-store/theme-app-extensions/
//   configuration): the four folders and what each holds; the "File and content size limits" table.
// - shopify.dev changelog: up to 30 app blocks per extension (2026-02-03); 15 KB per locale file (2022-07-28).
// - The Shopify CLI 4.8 deploy check: the file types it accepts per folder, 10 MB for all files.
// Where the CLI and the docs differ (Liquid: CLI 500 kB, docs 100 KB) the stricter figure is the rule.
import { readdir, readFile, stat } from "node:fs/promises";
import { extname, join, relative, sep } from "node:path";
import { gzipSync } from "node:zlib";

const KB = 1024;

export const THEME_EXTENSION_LIMITS = {
  totalBytes: 10 * KB * KB,
  liquidBytes: 100 * KB,
  appBlocks: 30,
  localeFileBytes: 15 * KB,
  // Suggested, not enforced by Shopify: compressed size of one asset (theme-check uses the same figures).
  suggestedJavaScriptGzipBytes: 10_000,
  suggestedCssGzipBytes: 100_000,
} as const;

export const ALLOWED_FILE_TYPES: Record<string, readonly string[]> = {
  assets: [".css", ".js", ".json", ".jpg", ".jpeg", ".png", ".svg", ".wasm"],
  blocks: [".liquid"],
  locales: [".json"],
  snippets: [".liquid"],
};

/** Files at the extension's root that Shopify does not upload as theme files. */
const ROOT_FILES = new Set(["shopify.extension.toml", "package.json", ".gitignore", ".shopifyignore"]);

// A language tag (`en`, `pt-BR`), optionally `.default`, optionally `.schema`, then `.json`.
const LOCALE_FILE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*(\.default)?(\.schema)?\.json$/;

export const RULE = {
  rootFile: "root_file",
  folder: "unsupported_folder",
  nested: "nested_folder",
  fileType: "unsupported_file_type",
  totalSize: "total_size",
  liquidSize: "liquid_size",
  appBlocks: "too_many_app_blocks",
  localeName: "locale_name",
  localeDefault: "locale_default",
  localeSize: "locale_size",
  javaScriptSize: "javascript_size",
  cssSize: "css_size",
} as const;

export type RuleCode = (typeof RULE)[keyof typeof RULE];
export type Violation = { rule: RuleCode; path: string; message: string };
export type ExtensionFile = { path: string; bytes: number; gzipBytes: number };

/** Every file under the extension folder, with paths relative to it in POSIX form. */
export async function listExtensionFiles(dir: string): Promise<ExtensionFile[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files: ExtensionFile[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const absolute = join(entry.parentPath, entry.name);
    const content = await readFile(absolute);
    files.push({
      path: relative(dir, absolute).split(sep).join("/"),
      bytes: (await stat(absolute)).size,
      gzipBytes: gzipSync(content).byteLength,
    });
  }
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

function sum(files: ExtensionFile[]): number {
  return files.reduce((total, file) => total + file.bytes, 0);
}

function placementViolation(file: ExtensionFile): Violation | null {
  const parts = file.path.split("/");
  const folder = parts[0] ?? "";
  if (parts.length === 1) {
    if (ROOT_FILES.has(folder)) return null;
    return { rule: RULE.rootFile, path: file.path, message: `${file.path}: only the toml belongs at the root` };
  }
  const allowed = ALLOWED_FILE_TYPES[folder];
  if (allowed === undefined) {
    return { rule: RULE.folder, path: file.path, message: `${file.path}: Shopify deploys only assets/, blocks/, locales/, snippets/` };
  }
  if (parts.length > 2) {
    return { rule: RULE.nested, path: file.path, message: `${file.path}: files go directly in ${folder}/, not in a subfolder` };
  }
  if (!allowed.includes(extname(file.path).toLowerCase())) {
    return { rule: RULE.fileType, path: file.path, message: `${file.path}: ${folder}/ accepts ${allowed.join(", ")}` };
  }
  return null;
}

function localeViolations(locales: ExtensionFile[]): Violation[] {
  const violations: Violation[] = [];
  const defaults = { storefront: [] as string[], schema: [] as string[] };
  for (const file of locales) {
    const name = file.path.slice("locales/".length);
    if (!LOCALE_FILE.test(name)) {
      violations.push({ rule: RULE.localeName, path: file.path, message: `${file.path}: not <language>[.default][.schema].json` });
    }
    if (name.includes(".default.")) defaults[name.endsWith(".schema.json") ? "schema" : "storefront"].push(file.path);
    if (file.bytes > THEME_EXTENSION_LIMITS.localeFileBytes) {
      violations.push({ rule: RULE.localeSize, path: file.path, message: `${file.path}: ${file.bytes} B (limit ${THEME_EXTENSION_LIMITS.localeFileBytes} B)` });
    }
  }
  for (const paths of Object.values(defaults)) {
    if (paths.length > 1) {
      violations.push({ rule: RULE.localeDefault, path: paths.join(", "), message: `more than one default locale file: ${paths.join(", ")}` });
    }
  }
  return violations;
}

/** Everything in `files` that Shopify would refuse on deploy, or that exceeds its suggested asset sizes. */
export function themeExtensionViolations(files: ExtensionFile[]): Violation[] {
  const limits = THEME_EXTENSION_LIMITS;
  const violations = files.map(placementViolation).filter((v): v is Violation => v !== null);
  const deployed = files.filter((file) => file.path.includes("/"));
  const inFolder = (folder: string) => deployed.filter((file) => file.path.startsWith(`${folder}/`));

  const total = sum(deployed);
  if (total > limits.totalBytes) {
    violations.push({ rule: RULE.totalSize, path: ".", message: `all files: ${total} B (limit ${limits.totalBytes} B)` });
  }
  const liquid = [...inFolder("blocks"), ...inFolder("snippets")].filter((file) => file.path.endsWith(".liquid"));
  if (sum(liquid) > limits.liquidBytes) {
    violations.push({ rule: RULE.liquidSize, path: ".", message: `Liquid: ${sum(liquid)} B (limit ${limits.liquidBytes} B)` });
  }
  const blocks = inFolder("blocks").filter((file) => file.path.endsWith(".liquid"));
  if (blocks.length > limits.appBlocks) {
    violations.push({ rule: RULE.appBlocks, path: "blocks", message: `${blocks.length} blocks (limit ${limits.appBlocks})` });
  }
  violations.push(...localeViolations(inFolder("locales").filter((file) => file.path.endsWith(".json"))));
  for (const file of inFolder("assets")) {
    if (file.path.endsWith(".js") && file.gzipBytes > limits.suggestedJavaScriptGzipBytes) {
      violations.push({ rule: RULE.javaScriptSize, path: file.path, message: `${file.path}: ${file.gzipBytes} B gzipped (suggested ≤ ${limits.suggestedJavaScriptGzipBytes} B)` });
    }
    if (file.path.endsWith(".css") && file.gzipBytes > limits.suggestedCssGzipBytes) {
      violations.push({ rule: RULE.cssSize, path: file.path, message: `${file.path}: ${file.gzipBytes} B gzipped (suggested ≤ ${limits.suggestedCssGzipBytes} B)` });
    }
  }
  return violations;
}

/** The deploy rules checked against an extension folder on disk. */
export async function checkThemeExtension(dir: string): Promise<Violation[]> {
  return themeExtensionViolations(await listExtensionFiles(dir));
}
