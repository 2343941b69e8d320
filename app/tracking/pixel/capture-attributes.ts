// The cart attributes the embed writes (attributes.ts), and the event id it mints for a cart (event-id.ts).
import { TANDEM_ATTRIBUTE } from "../attributes";
import type { ClickIds } from "./capture-click-ids";

/** 16 random bytes (128 bits) as unpadded base64url: 22 characters, what isWellFormedTandemEventId accepts. */
export function encodeEventId(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export type CaptureValues = {
  eventId: string;
  fbp: string | null;
  fbc: string | null;
  consent: string;
  clickIds: ClickIds;
};

/** `""` clears a key in the Ajax Cart API, so an id that disappeared is also removed from the cart. */
export function captureAttributes(values: CaptureValues): Record<string, string> {
  return {
    [TANDEM_ATTRIBUTE.eventId]: values.eventId,
    [TANDEM_ATTRIBUTE.fbp]: values.fbp || "",
    [TANDEM_ATTRIBUTE.fbc]: values.fbc || "",
    [TANDEM_ATTRIBUTE.consent]: values.consent,
    [TANDEM_ATTRIBUTE.clickIds]: Object.keys(values.clickIds).length === 0 ? "" : JSON.stringify(values.clickIds),
  };
}

/**
 * The refusal record: the consent answer, and every identifier cleared. The event id is left out, so the cart
 * keeps the one it carries (or has none): it names the cart, not the shopper, and a later "yes" in the same
 * cart must go on naming the purchase with it (docs/decisions/0035).
 */
export function refusalAttributes(consent: string): Record<string, string> {
  return {
    [TANDEM_ATTRIBUTE.fbp]: "",
    [TANDEM_ATTRIBUTE.fbc]: "",
    [TANDEM_ATTRIBUTE.consent]: consent,
    [TANDEM_ATTRIBUTE.clickIds]: "",
  };
}
