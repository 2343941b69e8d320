import { createHash } from "node:crypto";
import { startMetaSimulator, type MetaSimulator } from "../../sim/meta-graph-sim";

export const PIXEL = "1234567890123";
export const TOKEN = "EAAtesttoken";
export const OTHER_PIXEL = "9876543210987";
export const OTHER_TOKEN = "EAAothertoken";
export const START_MS = Date.UTC(2026, 9, 1, 12, 0, 0);

export function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

export type TestClock = { ms: number; now: () => number };

export function createClock(ms = START_MS): TestClock {
  const clock: TestClock = { ms, now: () => clock.ms };
  return clock;
}

export function startTestSimulator(clock: TestClock): Promise<MetaSimulator> {
  return startMetaSimulator({ now: clock.now, pixels: { [PIXEL]: TOKEN, [OTHER_PIXEL]: OTHER_TOKEN } });
}

// A website Purchase that satisfies every rule in docs/meta-capi-facts.md; tests break one thing at a time.
export function validPurchase(nowMs: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    event_name: "Purchase",
    event_time: Math.floor(nowMs / 1000) - 120,
    event_id: "ck_abc123",
    action_source: "website",
    event_source_url: "https://shop.example.com/checkouts/abc",
    user_data: {
      em: [sha256("john_smith@gmail.com")],
      ph: [sha256("16505551212")],
      country: [sha256("us")],
      external_id: [sha256("7001")],
      client_ip_address: "2001:db8::1",
      client_user_agent: "Mozilla/5.0 (X11; Linux x86_64)",
      fbp: "fb.1.1700000000000.1234567890",
      fbc: "fb.1.1554763741205.IwAR2F4-dbP0l7Mn.AQQCAQIB",
    },
    custom_data: {
      value: 49.9,
      currency: "EUR",
      contents: [{ id: "4711", quantity: 1, item_price: 49.9 }],
      content_ids: ["4711"],
      content_type: "product",
      order_id: "5551234",
    },
    ...overrides,
  };
}

export function withUserData(nowMs: number, patch: Record<string, unknown>): Record<string, unknown> {
  const base = validPurchase(nowMs);
  return { ...base, user_data: { ...(base.user_data as Record<string, unknown>), ...patch } };
}

export type GraphAnswer = { status: number; body: Record<string, unknown>; traceHeader: string | null };

export async function postEvents(
  sim: MetaSimulator,
  body: Record<string, unknown>,
  options: { pixelId?: string; version?: string; query?: string; signal?: AbortSignal } = {},
): Promise<GraphAnswer> {
  const path = `/${options.version ?? "v26.0"}/${options.pixelId ?? PIXEL}/events${options.query ?? ""}`;
  const res = await fetch(`${sim.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: options.signal,
  });
  return {
    status: res.status,
    body: (await res.json()) as Record<string, unknown>,
    traceHeader: res.headers.get("x-fb-trace-id"),
  };
}

export function errorOf(answer: GraphAnswer): Record<string, unknown> {
  const error = answer.body.error;
  if (typeof error !== "object" || error === null) throw new Error(`expected a Graph error, got ${JSON.stringify(answer.body)}`);
  return error as Record<string, unknown>;
}
