// Conversions API server event shapes (docs/meta-capi-facts.md). Types only: safe for the pixel.

export const ACTION_SOURCE = {
  website: "website",
  physicalStore: "physical_store",
  systemGenerated: "system_generated",
  other: "other",
} as const;

export type ActionSource = (typeof ACTION_SOURCE)[keyof typeof ACTION_SOURCE];

/** Hashed keys are 64 lowercase hex; the last four are never hashed. One string per key, no arrays. */
export type CapiUserData = {
  em?: string;
  ph?: string;
  fn?: string;
  ln?: string;
  ct?: string;
  st?: string;
  zp?: string;
  country?: string;
  external_id?: string;
  client_ip_address?: string;
  client_user_agent?: string;
  fbp?: string;
  fbc?: string;
};

export type CapiUserDataKey = keyof CapiUserData;

export const HASHED_USER_DATA_KEYS = [
  "em",
  "ph",
  "fn",
  "ln",
  "ct",
  "st",
  "zp",
  "country",
  "external_id",
] as const satisfies readonly CapiUserDataKey[];

export const RAW_USER_DATA_KEYS = [
  "client_ip_address",
  "client_user_agent",
  "fbp",
  "fbc",
] as const satisfies readonly CapiUserDataKey[];

/** Every user_data key in the order match keys are reported. */
export const USER_DATA_KEYS = [...HASHED_USER_DATA_KEYS, ...RAW_USER_DATA_KEYS] as const;

export type CapiContent = { id: string; quantity: number; item_price?: number };

export type CapiCustomData = {
  value: number;
  currency: string;
  contents: CapiContent[];
  content_ids: string[];
  /** product_group when content ids are Shopify product ids (content-id.ts). */
  content_type: "product" | "product_group";
  num_items: number;
  order_id: string;
};

export type CapiServerEvent = {
  event_name: string;
  event_time: number;
  event_id: string;
  action_source: ActionSource;
  event_source_url?: string;
  user_data: CapiUserData;
  custom_data: CapiCustomData;
  data_processing_options?: string[];
  data_processing_options_country?: number;
  data_processing_options_state?: number;
};
