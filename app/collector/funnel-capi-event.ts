import { eventSourceUrl, withoutQueryAndFragment } from "../tracking/action-source";
import { ACTION_SOURCE, USER_DATA_KEYS, type CapiUserData } from "../tracking/capi-types";
import { publicIpAddress } from "../tracking/client-ip";
import type { CollectedEvent } from "./collect-body";
import type { CollectedCustomData } from "./custom-data";

// A collected funnel event → the Conversions API server event the worker sends, shaped like a Purchase row's
// payload (app/tracking/purchase-from-order.ts): the browser's event id and time, the page without its query or
// fragment, the hashed keys the pixel had, the browser ids, and the shopper's own address and user agent —
// which only the request to the collector knows (docs/meta-capi-facts.md).

export type FunnelCapiEvent = {
  event_name: string;
  event_time: number;
  event_id: string;
  action_source: typeof ACTION_SOURCE.website;
  event_source_url: string;
  user_data: CapiUserData;
  custom_data: CollectedCustomData;
  data_processing_options?: string[];
  data_processing_options_country?: number;
  data_processing_options_state?: number;
};

/** What the request tells besides its body; `storefrontUrl` stands in for a page the body does not name. */
export type Shopper = { ipAddress: string | null; userAgent: string | null; storefrontUrl?: string };

// Real user agents are a few hundred characters; the cap keeps a crafted header out of every stored row.
const MAX_USER_AGENT = 512;

export function buildFunnelCapiEvent(collected: CollectedEvent, shopper: Shopper, nowMs: number): { event: FunnelCapiEvent; matchKeys: string[] } {
  const userData: CapiUserData = { ...collected.userData };
  const ip = publicIpAddress(shopper.ipAddress);
  if (ip !== null) userData.client_ip_address = ip;
  const agent = shopper.userAgent?.trim() ?? "";
  if (agent !== "" && agent.length <= MAX_USER_AGENT) userData.client_user_agent = agent;
  if (collected.fbp !== null) userData.fbp = collected.fbp;
  if (collected.fbc !== null) userData.fbc = collected.fbc;

  const event: FunnelCapiEvent = {
    event_name: collected.eventName,
    // A browser clock a little ahead is accepted at the door; Meta refuses times in the future.
    event_time: Math.floor(Math.min(collected.timestampMs, nowMs) / 1000),
    event_id: collected.eventId,
    action_source: ACTION_SOURCE.website,
    // Website events need a page (docs/meta-capi-facts.md): the shop's storefront when the browser named none,
    // as for a Purchase whose landing page is unknown.
    event_source_url: collected.pageUrl !== null ? withoutQueryAndFragment(new URL(collected.pageUrl)) : eventSourceUrl(null, shopper.storefrontUrl ?? `https://${collected.shop}`),
    user_data: userData,
    custom_data: collected.customData,
  };
  if (collected.limitedDataUse) {
    // Limited Data Use, geolocated by Meta, exactly as the Purchase and the browser twin say it.
    event.data_processing_options = ["LDU"];
    event.data_processing_options_country = 0;
    event.data_processing_options_state = 0;
  }
  return { event, matchKeys: USER_DATA_KEYS.filter((key) => userData[key] !== undefined) };
}
