import { randomBytes } from "node:crypto";

// One shopper's cart as Shopify's Ajax Cart API keeps it, for the fake storefront and the demo.
//
// Pinned to Shopify's Ajax API reference (shopify.dev/docs/api/ajax/reference/cart) for what Tandem uses:
// - GET /cart.js answers the cart: token, note, attributes, item_count, items.
// - POST /cart/add.js takes `items: [{id, quantity}]` (or one `id` + `quantity`) and answers the added
//   lines (`{items: [...]}`, or the one line), not the cart.
// - POST /cart/change.js takes `id` (a line key or variant id) or `line` (1-based) with `quantity`
//   (0 removes) and answers the cart.
// - POST /cart/update.js takes `updates`, `note` and `attributes` and answers the cart. Attributes merge
//   into the cart's; `""` removes a key (Shopify's own api.jquery.js: "To clear a particular attribute,
//   set its value to an empty string").
// - POST /cart/clear.js sets every line's quantity to zero and answers the cart.
// - A cart form POST to /cart applies `attributes[...]`, `note` and `updates[...]`; with `checkout` it
//   sends the shopper to checkout with the cart as it now is.
//
// NOT pinned (no Shopify document says it):
// - Token churn: an empty cart answers a new token on every /cart.js until the first item is added
//   (community reports; tokens carry `?key=…` since 2024-06 and are opaque). Once a line exists the token
//   stays, also after /cart/clear.js empties it again (unknown on Shopify).
// - Whether /cart/clear.js keeps attributes and note: the reference speaks of quantities only, so they stay.
// - Attributes written to an empty cart are kept here; on Shopify a never-saved cart may drop them.
// - Errors (here: an unknown variant → 422, a bad change → 400, with `{status, message, description}`),
//   prices, and every field Tandem does not read.
// - The paths without `.js` (Dawn posts to /cart/add and /cart/change with `Accept: application/json`)
//   answer the same JSON here; on Shopify a plain form POST to them redirects instead.

export type CartLine = { key: string; id: number; variant_id: number; quantity: number; title: string; price: number };

export type CartAnswer = { status: number; body: unknown };

export type CheckoutRecord = { attributes: Record<string, string>; itemCount: number };

export const FAKE_VARIANTS: Record<number, { title: string; price: number }> = {
  45012345678901: { title: "Linen shirt", price: 2450 },
  45012345678902: { title: "Canvas tote", price: 1800 },
};

function newToken(): string {
  return `hWN${randomBytes(9).toString("base64url")}?key=${randomBytes(16).toString("hex")}`;
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}

function toInt(value: unknown): number | null {
  const number = typeof value === "string" ? Number(value) : value;
  return typeof number === "number" && Number.isInteger(number) ? number : null;
}

export function createFakeCart() {
  let token: string | null = null;
  let note: string | null = null;
  const attributes: Record<string, string> = {};
  let lines: CartLine[] = [];

  const itemCount = () => lines.reduce((sum, line) => sum + line.quantity, 0);

  function cart() {
    // Until the cart holds an item, Shopify has not saved it: every read shows a passing token.
    const shownToken = token ?? newToken();
    return {
      token: shownToken,
      note,
      attributes: { ...attributes },
      original_total_price: lines.reduce((sum, line) => sum + line.price * line.quantity, 0),
      total_price: lines.reduce((sum, line) => sum + line.price * line.quantity, 0),
      item_count: itemCount(),
      items: lines.map((line) => ({ ...line, line_price: line.price * line.quantity })),
      requires_shipping: lines.length > 0,
      currency: "USD",
    };
  }

  function setQuantity(variantId: number, quantity: number): void {
    const line = lines.find((l) => l.variant_id === variantId);
    if (line) line.quantity = quantity;
    lines = lines.filter((l) => l.quantity > 0);
  }

  function applyAttributes(written: unknown): void {
    for (const [key, value] of Object.entries(asRecord(written))) {
      if (value === "" || value === null) delete attributes[key];
      else attributes[key] = String(value);
    }
  }

  function applyUpdates(updates: unknown): void {
    if (Array.isArray(updates)) {
      updates.forEach((quantity, index) => {
        const line = lines[index];
        const q = toInt(quantity);
        if (line && q !== null) setQuantity(line.variant_id, q);
      });
      return;
    }
    for (const [variant, quantity] of Object.entries(asRecord(updates))) {
      const q = toInt(quantity);
      const id = toInt(variant);
      if (q !== null && id !== null) setQuantity(id, q);
    }
  }

  return {
    read(): CartAnswer {
      return { status: 200, body: cart() };
    },
    add(body: Record<string, unknown>): CartAnswer {
      const requested = Array.isArray(body.items) ? body.items.map(asRecord) : [body];
      const added: CartLine[] = [];
      for (const item of requested) {
        const id = toInt(item.id);
        const variant = id === null ? undefined : FAKE_VARIANTS[id];
        if (id === null || variant === undefined) {
          return { status: 422, body: { status: 422, message: "Cart Error", description: "Cannot find variant" } };
        }
        const quantity = toInt(item.quantity ?? 1) ?? 1;
        let line = lines.find((l) => l.variant_id === id);
        if (line) line.quantity += quantity;
        else lines.push((line = { key: `${id}:${randomBytes(4).toString("hex")}`, id, variant_id: id, quantity, ...variant }));
        added.push(line);
      }
      token ??= newToken();
      return { status: 200, body: Array.isArray(body.items) ? { items: added } : added[0] };
    },
    change(body: Record<string, unknown>): CartAnswer {
      const quantity = toInt(body.quantity);
      const lineIndex = toInt(body.line);
      const line =
        lineIndex !== null ? lines[lineIndex - 1] : lines.find((l) => l.key === body.id || l.variant_id === toInt(body.id));
      if (line === undefined || quantity === null || quantity < 0) {
        return { status: 400, body: { status: 400, message: "Cart Error", description: "No valid id or line parameter in request" } };
      }
      setQuantity(line.variant_id, quantity);
      return { status: 200, body: cart() };
    },
    update(body: Record<string, unknown>): CartAnswer {
      applyUpdates(body.updates);
      if (typeof body.note === "string") note = body.note;
      applyAttributes(body.attributes);
      return { status: 200, body: cart() };
    },
    clear(): CartAnswer {
      lines = [];
      return { status: 200, body: cart() };
    },
    /** A cart form POST to /cart: what checkout receives when it carries `checkout`, else null. */
    submitForm(body: Record<string, unknown>): CheckoutRecord | null {
      applyUpdates(body.updates);
      if (typeof body.note === "string") note = body.note;
      applyAttributes(body.attributes);
      if (body.checkout === undefined || itemCount() === 0) return null;
      return { attributes: { ...attributes }, itemCount: itemCount() };
    },
    get attributes(): Record<string, string> {
      return { ...attributes };
    },
    get itemCount(): number {
      return itemCount();
    },
  };
}

export type FakeCart = ReturnType<typeof createFakeCart>;

/** Form fields as the Ajax API and /cart read them: `attributes[k]` and `updates[k]` become objects. */
export function formFieldsToBody(fields: Iterable<[string, string]>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [name, value] of fields) {
    const nested = /^(attributes|updates|properties)\[(.*)\]$/.exec(name);
    if (nested) {
      const group = (body[nested[1] as string] ??= {}) as Record<string, string>;
      group[nested[2] as string] = value;
    } else if (name.endsWith("[]")) {
      ((body[name.slice(0, -2)] ??= []) as string[]).push(value);
    } else {
      body[name] = value;
    }
  }
  return body;
}
