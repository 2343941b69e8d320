import type { GraphqlFn } from "../shopify/graphql-fn";
import { isRecord, readGraphql } from "./graphql-read.server";

// Is the storefront embed on? The published theme's config/settings_data.json lists app embeds as blocks of
// type shopify://apps/<app>/blocks/<handle>/<id> with disabled: true|false once the merchant has touched them
// (docs/shopify-platform-facts.md, "App embeds are off until the merchant turns them on"). Needs the read_themes
// scope.

export type EmbedState =
  | { kind: "enabled"; themeName: string }
  | { kind: "disabled"; themeName: string }
  | { kind: "absent"; themeName: string }
  | { kind: "unknown"; detail: string };

const QUERY = `#graphql
  query TandemMainTheme {
    themes(first: 1, roles: [MAIN]) {
      nodes {
        name
        files(filenames: ["config/settings_data.json"], first: 1) {
          nodes { body { ... on OnlineStoreThemeFileBodyText { content } } }
        }
      }
    }
  }`;

/** settings_data.json starts with a /* … *\/ banner Shopify writes; JSON.parse needs it gone. */
export function parseSettingsData(content: string): unknown {
  const stripped = content.replace(/^\uFEFF?\s*\/\*[\s\S]*?\*\//, "");
  try {
    return JSON.parse(stripped);
  } catch {
    return null;
  }
}

/** The `blocks` object of the current settings: `current` is either the settings or a preset's name. */
function currentBlocks(settings: unknown): Record<string, unknown> {
  if (!isRecord(settings)) return {};
  let current = settings.current;
  if (typeof current === "string" && isRecord(settings.presets)) current = settings.presets[current];
  return isRecord(current) && isRecord(current.blocks) ? current.blocks : {};
}

export function embedStateFromSettings(settings: unknown, handle: string): "enabled" | "disabled" | "absent" {
  const marker = `/blocks/${handle}/`;
  for (const block of Object.values(currentBlocks(settings))) {
    if (!isRecord(block) || typeof block.type !== "string" || !block.type.startsWith("shopify://apps/")) continue;
    if (!block.type.includes(marker)) continue;
    return block.disabled === true ? "disabled" : "enabled";
  }
  return "absent";
}

function firstNode(value: unknown): Record<string, unknown> | null {
  if (!isRecord(value) || !Array.isArray(value.nodes)) return null;
  const [node] = value.nodes as unknown[];
  return isRecord(node) ? node : null;
}

export async function detectEmbed(graphql: GraphqlFn, handle: string): Promise<EmbedState> {
  const read = await readGraphql(graphql, QUERY);
  if (read.kind !== "data") return { kind: "unknown", detail: read.detail };
  const theme = firstNode(read.data.themes);
  if (theme === null) return { kind: "unknown", detail: "the store has no published theme" };
  const themeName = typeof theme.name === "string" ? theme.name : "the published theme";
  const file = firstNode(theme.files);
  const body = file !== null && isRecord(file.body) ? file.body : null;
  if (body === null || typeof body.content !== "string") return { kind: "absent", themeName };
  return { kind: embedStateFromSettings(parseSettingsData(body.content), handle), themeName };
}
