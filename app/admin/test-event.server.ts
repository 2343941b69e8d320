import { randomUUID } from "node:crypto";
import type { Services } from "../services";
import { normalizeEmail } from "../tracking/normalize";
import { sha256Hex } from "../tracking/sha256";
import { TEST_EVENT_CODE } from "./settings-form";

// "Send test event": one real Conversions API call per configured pixel, with the shop's stored token and
// the test event code typed on the test card (never saved into live settings, decision 0022; a code saved
// by `tandem shops:configure` is the fallback), through the same Graph client the worker uses. Each answer
// is one plain sentence, with Meta's answer kept for "details". This is the only sender of test_event_code:
// the worker never puts a code on live events (decision 0016).

type Deps = Pick<Services, "shops" | "client">;

export const TEST_EVENT_PROBLEM = {
  notConfigured: "not_configured",
  noTestCode: "no_test_code",
  badTestCode: "bad_test_code",
} as const;

/** Meta's answer for one pixel, with Meta's own field names. */
export type TestEventAnswer =
  | { pixelId: string; ok: true; events_received: number; fbtrace_id: string | null; messages: string[] }
  | {
      pixelId: string;
      ok: false;
      title: string | null;
      message: string;
      code: number | null;
      error_subcode: number | null;
      fbtrace_id: string | null;
    };

export type TestEventOutcome =
  | { sent: true; eventId: string; answers: TestEventAnswer[] }
  | { sent: false; problem: (typeof TEST_EVENT_PROBLEM)[keyof typeof TEST_EVENT_PROBLEM]; message: string };

// Meta may discard events whose PII is plainly fake, so the address is the shop's own test inbox shape.
const TEST_EMAIL = "tandem-test@example.com";
const TEST_USER_AGENT = "Mozilla/5.0 (Tandem test event)";
// No client_ip_address: there is no shopper, and Tandem sends only public addresses (decision 0016).

export async function buildTestPurchase(opts: { nowMs: number; storefrontUrl: string; eventId: string }) {
  const email = normalizeEmail(TEST_EMAIL) ?? TEST_EMAIL;
  return {
    event_name: "Purchase",
    event_id: opts.eventId,
    event_time: Math.floor(opts.nowMs / 1000),
    action_source: "website",
    event_source_url: opts.storefrontUrl,
    user_data: { em: [await sha256Hex(email)], client_user_agent: TEST_USER_AGENT },
    custom_data: { value: 1, currency: "USD" },
  };
}

export async function sendTestEvent(deps: Deps, shop: string, nowMs: number, typedCode?: string): Promise<TestEventOutcome> {
  const config = await deps.shops.getShop(shop);
  const token = await deps.shops.getAccessToken(shop);
  if (!config || config.pixelIds.length === 0 || token === null) {
    return { sent: false, problem: TEST_EVENT_PROBLEM.notConfigured, message: "Save a pixel ID and an access token first." };
  }
  // Without a code Meta counts the test Purchase as a real sale; refuse rather than pollute the merchant's data.
  const testEventCode = typedCode?.trim() || config.testEventCode;
  if (!testEventCode) {
    return {
      sent: false,
      problem: TEST_EVENT_PROBLEM.noTestCode,
      message: "Enter the test event code shown in Events Manager → Test events; without it this Purchase would count as a real sale.",
    };
  }
  if (!TEST_EVENT_CODE.test(testEventCode)) {
    return { sent: false, problem: TEST_EVENT_PROBLEM.badTestCode, message: "A test event code is letters and digits, like TEST12345." };
  }
  const eventId = `test_${randomUUID()}`;
  const event = await buildTestPurchase({ nowMs, storefrontUrl: config.storefrontUrl ?? `https://${shop}`, eventId });
  const answers: TestEventAnswer[] = [];
  for (const pixelId of config.pixelIds) {
    const result = await deps.client.sendEvents({ pixelId, accessToken: token, events: [event], testEventCode });
    answers.push(
      result.ok
        ? { pixelId, ok: true, events_received: result.eventsReceived, fbtrace_id: result.fbtraceId, messages: result.messages }
        : {
            pixelId,
            ok: false,
            title: result.title,
            message: result.message,
            code: result.code,
            error_subcode: result.subcode,
            fbtrace_id: result.fbtraceId,
          },
    );
  }
  return { sent: true, eventId, answers };
}

