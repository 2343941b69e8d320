import type { GraphqlFn } from "../shopify/graphql-fn";
import { isRecord, readGraphql } from "./graphql-read.server";

export type WebPixelState =
  | { kind: "connected"; id: string; pixelIds: string }
  | { kind: "missing" }
  | { kind: "unknown"; cause: "unreachable" | "errors"; detail: string };

const QUERY = `#graphql
  query TandemWebPixelState { webPixel { id settings } }`;

function settingsPixelIds(settings: unknown): string {
  // Shopify returns the settings as a JSON string; accept an object too.
  let value: unknown = settings;
  if (typeof settings === "string") {
    try {
      value = JSON.parse(settings);
    } catch {
      return "";
    }
  }
  return isRecord(value) && typeof value.pixelIds === "string" ? value.pixelIds : "";
}

/** Shopify's answer to the webPixel query, as an error rather than null, when the app has no pixel on the shop. */
export function isNoWebPixelMessage(message: string): boolean {
  return /no web pixel was found/i.test(message);
}

export async function readWebPixel(graphql: GraphqlFn): Promise<WebPixelState> {
  const read = await readGraphql(graphql, QUERY);
  if (read.kind === "unreachable") return { kind: "unknown", cause: "unreachable", detail: read.detail };
  if (read.kind === "errors") {
    // Any other error (a missing read_pixels scope, say) is not "no pixel": show it rather than guess.
    return read.messages.some(isNoWebPixelMessage) ? { kind: "missing" } : { kind: "unknown", cause: "errors", detail: `Shopify answered: ${read.detail}` };
  }
  const pixel = read.data.webPixel;
  if (!isRecord(pixel) || typeof pixel.id !== "string") return { kind: "missing" };
  return { kind: "connected", id: pixel.id, pixelIds: settingsPixelIds(pixel.settings) };
}
