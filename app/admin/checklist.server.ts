import type { Services } from "../services";
import { readAnyPurchaseSentAt } from "../db/delivery-reads.server";
import type { GraphqlFn } from "../shopify/graphql-fn";
import { WHERE_PIXEL_ID, WHERE_TOKEN } from "./meta-help";
import { plainShopPause } from "./pause-words";
import { detectEmbed, type EmbedState } from "./theme-embed.server";
import { readWebPixel, type WebPixelState } from "./web-pixel-state.server";

// The home page's setup checklist: four facts, each with the one thing that fixes it.

type Deps = Pick<Services, "shops" | "database" | "env">;

export const EMBED_HANDLE = "tandem-capture";

export const CHECK = {
  webPixel: "web_pixel",
  embed: "storefront_embed",
  token: "token",
  firstPurchase: "first_purchase",
} as const;
export type CheckId = (typeof CHECK)[keyof typeof CHECK];

/** `unknown`: Shopify could not be asked; shown as "could not check", never as done. */
export type CheckState = "done" | "todo" | "unknown";

/** What a fix does: opens a page, or runs an action on the home page (`intent` in the posted form). */
export const FIX_INTENT = { connectWebPixel: "connect_web_pixel" } as const;
export type FixIntent = (typeof FIX_INTENT)[keyof typeof FIX_INTENT];
export type ChecklistFix = { label: string; url: string } | { label: string; intent: FixIntent };

import type { ChecklistHelp } from "./meta-help";
export type { ChecklistHelp };

export type ChecklistItem = { id: CheckId; state: CheckState; detail: string; fix: ChecklistFix | null; help?: ChecklistHelp };


export type Checklist = { items: ChecklistItem[]; attention: string | null; complete: boolean };

export function embedDeepLink(shop: string, apiKey: string): string {
  return `https://${shop}/admin/themes/current/editor?context=apps&activateAppId=${encodeURIComponent(apiKey)}/${EMBED_HANDLE}`;
}

function pixelItem(state: WebPixelState, pixelIds: string[]): ChecklistItem {
  const wanted = pixelIds.join(",");
  const connect = { label: "Connect the web pixel", intent: FIX_INTENT.connectWebPixel };
  if (state.kind === "unknown") {
    return { id: CHECK.webPixel, state: "unknown", detail: `Could not check the web pixel: ${state.detail}`, fix: wanted === "" ? null : connect };
  }
  if (wanted === "") {
    // Saving the first pixel ID in Settings activates the pixel: there is nothing to activate before that.
    const detail = "Not connected yet: it connects when you save your pixel ID.";
    return { id: CHECK.webPixel, state: "todo", detail, fix: { label: "Save your pixel ID in Settings", url: "/app/settings" }, help: WHERE_PIXEL_ID };
  }
  if (state.kind === "connected" && state.pixelIds === wanted) {
    return { id: CHECK.webPixel, state: "done", detail: `Connected for pixel ${pixelIds.join(", ")}.`, fix: null };
  }
  // Activation at install or on save failed, or the pixel was removed: the button runs it again.
  const detail = state.kind === "missing" ? "The web pixel is not activated on this store." : "The web pixel has different pixel IDs than these settings.";
  return { id: CHECK.webPixel, state: "todo", detail, fix: connect };
}

function embedItem(state: EmbedState, shop: string, apiKey: string): ChecklistItem {
  const fix = { label: "Enable the Tandem embed in the theme editor", url: embedDeepLink(shop, apiKey) };
  if (state.kind === "enabled") return { id: CHECK.embed, state: "done", detail: `Enabled on ${state.themeName}.`, fix: null };
  if (state.kind === "unknown") return { id: CHECK.embed, state: "unknown", detail: `Could not read the theme: ${state.detail}`, fix };
  const detail =
    state.kind === "disabled" ? `Turned off in ${state.themeName}.` : `Not enabled in ${state.themeName} yet (app embeds are off after install).`;
  return { id: CHECK.embed, state: "todo", detail, fix };
}

async function lastSent(deps: Deps, shop: string): Promise<number | null> {
  return readAnyPurchaseSentAt(deps.database, shop);
}

export async function buildChecklist(deps: Deps, shop: string, graphql: GraphqlFn): Promise<Checklist> {
  const config = await deps.shops.getShop(shop);
  const pixelIds = config?.pixelIds ?? [];
  const [pixel, embed, sentAt] = await Promise.all([readWebPixel(graphql), detectEmbed(graphql, EMBED_HANDLE), lastSent(deps, shop)]);
  const attention = config?.needsAttentionReason ?? null;

  const tokenItem: ChecklistItem =
    !config?.hasAccessToken
      ? { id: CHECK.token, state: "todo", detail: "No access token saved.", fix: { label: "Paste a token in Settings", url: "/app/settings" }, help: WHERE_TOKEN }
      : attention !== null
        ? { id: CHECK.token, state: "todo", detail: plainShopPause(attention), fix: { label: "Replace the token in Settings", url: "/app/settings" }, help: WHERE_TOKEN }
        : { id: CHECK.token, state: "done", detail: "Saved, and Meta has not refused it.", fix: null };

  // Only a real order completes this step: a test event never does, so none is offered here.
  const purchaseItem: ChecklistItem =
    sentAt !== null
      ? { id: CHECK.firstPurchase, state: "done", detail: "Meta has received a purchase from this store.", fix: null }
      : {
          id: CHECK.firstPurchase,
          state: "todo",
          detail: "Waiting for the first paid order: this step completes when Meta receives its purchase. Test events do not count.",
          fix: null,
        };

  const items = [pixelItem(pixel, pixelIds), embedItem(embed, shop, deps.env.SHOPIFY_API_KEY), tokenItem, purchaseItem];
  return { items, attention, complete: items.every((item) => item.state === "done") };
}
