import { describe, expect, it } from "vitest";
import {
  FIXTURE,
  buildOrder,
  numberedOrder,
  posOrder,
  withConsent,
  withNoteAttributes,
  withoutNoteAttributes,
} from "../../sim/fixtures/order-payloads";

describe("order factories", () => {
  it("returns a fresh copy of the fixture each time", () => {
    const first = buildOrder();
    first.customer.email = "changed@example.com";
    expect(buildOrder().customer.email).toBe("mary.major@example.com");
    expect(String(buildOrder().id)).toBe(FIXTURE.orderId);
  });
  it("deep-merges objects, replaces arrays and removes keys set to undefined", () => {
    const order = buildOrder({ customer: { email: null }, line_items: [], client_details: undefined });
    expect(order.customer.email).toBeNull();
    expect(order.customer.first_name).toBe("Mary");
    expect(order.line_items).toEqual([]);
    expect("client_details" in order).toBe(false);
  });
  it("sets and removes single note attributes, keeping the rest", () => {
    const order = withNoteAttributes({ _tandem_fbp: null, _tandem_consent: "m0;a0;s0", extra: "1" });
    expect(order.note_attributes.map((a) => a.name)).toEqual([
      "_tandem_event_id",
      "_tandem_fbc",
      "_tandem_consent",
      "_tandem_click_ids",
      "extra",
    ]);
    expect(withConsent("m0;a1;s1").note_attributes.find((a) => a.name === "_tandem_consent")?.value).toBe("m0;a1;s1");
    expect(withoutNoteAttributes().note_attributes).toEqual([]);
  });
  it("builds POS orders without checkout, browser or attributes", () => {
    const order = posOrder();
    expect(order).toMatchObject({ source_name: "pos", checkout_token: null, client_details: null, note_attributes: [] });
  });
  it("numbers orders so ids, tokens and event ids never collide", () => {
    const [a, b] = [numberedOrder(1), numberedOrder(2)];
    expect(a.id).not.toBe(b.id);
    expect(a.checkout_token).not.toBe(b.checkout_token);
    const eventIdOf = (o: typeof a) => o.note_attributes.find((x) => x.name === "_tandem_event_id")?.value;
    expect(eventIdOf(a)).not.toBe(eventIdOf(b));
    expect(eventIdOf(a)).toMatch(/^[A-Za-z0-9_-]{22,64}$/);
  });
});
