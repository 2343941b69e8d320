import { z } from "zod";

// Where a shop's alerts go when the merchant names an address (settings page, `tandem shops:alerts`); without
// one they go to the shop owner's email from the Admin API. Stored in the shop's settings JSON under this key.

export const ALERT_EMAIL_KEY = "alertEmail";

const ALERT_EMAIL = z.string().trim().toLowerCase().max(254).email();

export type AlertEmailParse = { ok: true; email: string | null } | { ok: false; message: string };

/** A typed address; blank means "none, use the shop owner's". */
export function parseAlertEmail(input: string): AlertEmailParse {
  if (input.trim() === "") return { ok: true, email: null };
  const parsed = ALERT_EMAIL.safeParse(input);
  return parsed.success ? { ok: true, email: parsed.data } : { ok: false, message: "Enter an email address, like you@example.com." };
}

/** The stored address from the settings column, or null when none (or it is unreadable). */
export function readAlertEmail(settingsJson: string): string | null {
  let value: unknown;
  try {
    value = (JSON.parse(settingsJson) as Record<string, unknown> | null)?.[ALERT_EMAIL_KEY];
  } catch {
    return null;
  }
  const parsed = ALERT_EMAIL.safeParse(value);
  return parsed.success ? parsed.data : null;
}
