import type { DeliveryStatus } from "../db/outbox-types";
import { waitingLabel } from "./pause-words";

// Plain words for what the database stores as codes: statuses, reasons, order kinds, provenance and match
// keys. One table for every place that shows them (Activity, its CSV export, Health), no server imports.

export type StatusTone = "success" | "info" | "attention" | "warning" | "critical" | undefined;

export const STATUS_WORDS: Record<DeliveryStatus, { label: string; tone: StatusTone }> = {
  sent: { label: "Sent", tone: "success" },
  pending: { label: "Pending", tone: "info" },
  retrying: { label: "Retrying", tone: "attention" },
  needs_attention: { label: "Needs attention", tone: "warning" },
  held: { label: "Waiting for setup", tone: "info" },
  skipped: { label: "Skipped", tone: undefined },
  dead: { label: "Failed", tone: "critical" },
};

// Reasons stored as codes (decision 0015); other reasons (Meta's errors) are already sentences.
export const REASON_WORDS: Record<string, string> = {
  no_consent: "The shopper did not consent to marketing",
  no_consent_unknown: "Consent unknown, and this shop does not send then",
  test_order: "Test order (test gateway): never sent as a real purchase",
  no_shopper_not_sent: "No shopper present (e.g. a subscription renewal): this shop does not send these",
  awaiting_browser_report: "Waiting up to 2 minutes for the browser's purchase report, so both sides use one event id",
  paid_too_late: "Paid more than 7 days after it was placed: this shop does not send these",
};

export const ORDER_KIND_WORDS: Record<string, string> = {
  no_shopper: "No shopper present (subscription renewal or app-created order): sent without browser ids, IP or user agent",
  late_payment: "Paid more than 48 hours after checkout: Meta will not pair it with the browser event",
  very_late_payment: "Paid more than 7 days after checkout: sent with the payment time",
};

export const PROVENANCE_WORDS: Record<string, string> = {
  note_attribute: "From the cart (the browser pixel used the same id)",
  checkout_token: "From the checkout token (the browser pixel used the same id)",
  order_id: "From the order id (no browser twin: POS, draft or API order)",
  collision: "From the order id: the cart's id belonged to another order",
  collector: "From the shopper's browser: a shopping event the browser pixel also sent, under the same id",
  browser_ledger: "From the browser's purchase report (the id the browser pixel sent to Meta)",
};

export const MATCH_KEY_WORDS: Record<string, string> = {
  em: "Email",
  ph: "Phone",
  fn: "First name",
  ln: "Last name",
  ct: "City",
  st: "State or province",
  zp: "ZIP or postal code",
  country: "Country",
  external_id: "Customer ID",
  client_ip_address: "IP address",
  client_user_agent: "Browser user agent",
  fbp: "Browser ID (fbp)",
  fbc: "Click ID (fbc)",
};

export function reasonInWords(reason: string | null): string | null {
  if (reason === null || reason === "") return null;
  return REASON_WORDS[reason] ?? reason;
}

export function statusInWords(status: DeliveryStatus): string {
  return STATUS_WORDS[status].label;
}

/** A row's status as Activity shows it: "Waiting — shop paused" while a pause holds it back. */
export function rowStatusInWords(row: { status: DeliveryStatus; waitingFor: { shopPaused: boolean; pixelId: string | null } | null }): string {
  if (row.waitingFor === null) return statusInWords(row.status);
  const label = waitingLabel(row.waitingFor);
  return label.charAt(0).toUpperCase() + label.slice(1);
}

export function matchKeysInWords(keys: string[]): string[] {
  return keys.map((key) => MATCH_KEY_WORDS[key] ?? key);
}
