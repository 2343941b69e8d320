import { isCurrencyCode, isNonEmptyString, isRecord } from "./meta-formats";

// docs/meta-capi-facts.md ("custom_data of every event"): Purchase needs value (number) + currency
// (ISO 4217); every event's standard properties must have their documented types, whatever the event name
// (ViewContent, Search, AddToCart, InitiateCheckout, AddPaymentInfo and PageView pass the same checks).
// What only catalog ads need is a diagnostic, not a rejection (meta-event-diagnostics.ts).
export function checkCustomData(eventName: string, customData: unknown): string | null {
  if (customData === undefined || customData === null) {
    return eventName === "Purchase" ? "custom_data.value and custom_data.currency are required for Purchase" : null;
  }
  if (!isRecord(customData)) return "custom_data must be an object";
  const { value, currency, contents, content_ids: contentIds, num_items: numItems } = customData;
  if (value !== undefined && (typeof value !== "number" || !Number.isFinite(value) || value < 0)) {
    return "custom_data.value must be a number greater than or equal to 0";
  }
  if (currency !== undefined && (typeof currency !== "string" || !isCurrencyCode(currency))) {
    return "custom_data.currency must be a 3-letter ISO 4217 currency code";
  }
  if (eventName === "Purchase" && (value === undefined || currency === undefined)) {
    return "custom_data.value and custom_data.currency are required for Purchase";
  }
  if (contents !== undefined) {
    const problem = checkContents(contents);
    if (problem !== null) return problem;
  }
  if (contentIds !== undefined && (!Array.isArray(contentIds) || !contentIds.every(isId))) {
    return "custom_data.content_ids must be a list of ids";
  }
  if (numItems !== undefined && !(typeof numItems === "number" && Number.isInteger(numItems) && numItems >= 0)) {
    return "custom_data.num_items must be a non-negative integer";
  }
  for (const key of ["content_type", "content_name", "content_category", "search_string", "order_id"] as const) {
    const text = customData[key];
    if (text !== undefined && typeof text !== "string") return `custom_data.${key} must be a string`;
  }
  return null;
}

function checkContents(contents: unknown): string | null {
  if (!Array.isArray(contents)) return "custom_data.contents must be a list of objects";
  for (const [i, item] of contents.entries()) {
    if (!isRecord(item)) return `custom_data.contents[${i}] must be an object`;
    if (!isId(item.id)) return `custom_data.contents[${i}].id is required`;
    if (typeof item.quantity !== "number" || !Number.isInteger(item.quantity) || item.quantity < 0) {
      return `custom_data.contents[${i}].quantity must be a non-negative integer`;
    }
    if (item.item_price !== undefined && (typeof item.item_price !== "number" || !Number.isFinite(item.item_price))) {
      return `custom_data.contents[${i}].item_price must be a number`;
    }
  }
  return null;
}

function isId(value: unknown): boolean {
  return isNonEmptyString(value) || (typeof value === "number" && Number.isFinite(value));
}

// "Limited Data Use": ["LDU"] needs a country (1 = USA, 0 = geolocate) and, once a country is set, a state (1000 =
// CA, 0).
export function checkDataProcessing(event: Record<string, unknown>): string | null {
  const options = event.data_processing_options;
  const country = event.data_processing_options_country;
  const state = event.data_processing_options_state;
  if (options === undefined) {
    return country !== undefined || state !== undefined
      ? "data_processing_options_country/state need data_processing_options"
      : null;
  }
  if (!Array.isArray(options) || !options.every((option) => option === "LDU")) {
    return 'data_processing_options must be [] or ["LDU"]';
  }
  if (options.length === 0) return null;
  if (country !== 0 && country !== 1) {
    return "data_processing_options_country must be 0 (geolocate) or 1 (USA) when LDU is enabled";
  }
  if (typeof state !== "number" || !Number.isInteger(state) || state < 0) {
    return "data_processing_options_state is required when data_processing_options_country is set";
  }
  return null;
}
