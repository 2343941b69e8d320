import { describe, expect, it } from "vitest";
import { CLICK_IDS_STORAGE, newCaptureMemory, runCapture, wantedAttributes } from "../../app/storefront-capture/run-capture";
import type { CaptureEnv } from "../../app/storefront-capture/capture-env";
import { parseConsent } from "../../app/tracking/consent";
import { isWellFormedTandemEventId } from "../../app/tracking/event-id";
import { captureAttributes, encodeEventId, refusalAttributes } from "../../app/tracking/pixel/capture-attributes";
import {
  attributesToWrite,
  cartEventId,
  isCartChangePath,
  isCartFormPost,
  readCart,
} from "../../app/tracking/pixel/capture-cart";
import { clickIdsFromUrl, mergeClickIds } from "../../app/tracking/pixel/capture-click-ids";
import { consentFromCustomerPrivacy } from "../../app/tracking/pixel/capture-consent";
import { cookieDomainCandidates, decideFbc, decideFbp, subdomainIndexOf } from "../../app/tracking/pixel/capture-cookies";
import { createFakeCart } from "../../sim/fake-cart";

const VARIANT = 45012345678901;

describe("storefront capture decisions", () => {
  it("probes domains shortest first and gives IPs and bare hosts host-only cookies", () => {
    expect(cookieDomainCandidates("www.shop.example.co.uk")).toEqual([
      "co.uk",
      "example.co.uk",
      "shop.example.co.uk",
      "www.shop.example.co.uk",
    ]);
    expect(cookieDomainCandidates("127.0.0.1")).toEqual([]);
    expect(cookieDomainCandidates("localhost")).toEqual([]);
    expect([subdomainIndexOf("example.com"), subdomainIndexOf("example.co.uk"), subdomainIndexOf(null)]).toEqual([1, 2, 0]);
  });

  it("keeps a valid _fbp (4 or 5 segments) and replaces a broken one", () => {
    expect(decideFbp("fb.1.1700000000000.123", 1, 5, 1)).toBeNull();
    expect(decideFbp("fb.1.1700000000000.123.AQ", 1, 5, 1)).toBeNull();
    expect(decideFbp("junk", 1762000000000, 42, 2)).toBe("fb.2.1762000000000.42");
  });

  it("replaces _fbc only for a different click id, preserving its case", () => {
    const existing = "fb.1.1700000000000.AbCdEf";
    expect(decideFbc(existing, "AbCdEf", 1762000000000, 1)).toBeNull();
    expect(decideFbc(existing, "abcdef", 1762000000000, 1)).toBe("fb.1.1762000000000.abcdef");
    expect(decideFbc(null, null, 1, 1)).toBeNull();
  });

  it("collects other networks' click ids, newest winning, corrupt memory ignored", () => {
    const seen = clickIdsFromUrl("https://shop.example.com/?gclid=G1&ttclid=T1&utm_source=x");
    expect(seen).toEqual({ gclid: "G1", ttclid: "T1" });
    expect(mergeClickIds('{"gclid":"old","msclkid":"M"}', seen)).toEqual({ gclid: "G1", msclkid: "M", ttclid: "T1" });
    expect(mergeClickIds("{not json", {})).toEqual({});
  });

  it("mints 128-bit ids the server accepts", () => {
    const id = encodeEventId(new Uint8Array(16).fill(255));
    expect(id).toHaveLength(22);
    expect(isWellFormedTandemEventId(id)).toBe(true);
  });

  it("reads consent from the Customer Privacy API", () => {
    const api = (marketing: boolean, answer: string) => ({
      currentVisitorConsent: () => ({ marketing: answer, analytics: "yes", sale_of_data: "no" }),
      marketingAllowed: () => marketing,
      analyticsProcessingAllowed: () => true,
      saleOfDataAllowed: () => false,
      userCanBeTracked: () => marketing,
    });
    expect(consentFromCustomerPrivacy(api(true, "yes"))).toEqual({ tracking: "1", snapshot: "m1;a1;s0" });
    expect(consentFromCustomerPrivacy(api(false, "no"))).toEqual({ tracking: "0", snapshot: "m0;a1;s0" });
    expect(consentFromCustomerPrivacy(api(false, ""))).toEqual({ tracking: "u", snapshot: "mu;a1;s0" });
    expect(consentFromCustomerPrivacy(undefined)).toEqual({ tracking: "1", snapshot: "mu;au;su" });
  });

  it("tracks where no answer is needed, but an explicit no wins over userCanBeTracked", () => {
    const api = (canTrack: boolean, answer: string) => ({
      currentVisitorConsent: () => ({ marketing: answer }),
      marketingAllowed: () => undefined,
      userCanBeTracked: () => canTrack,
    });
    expect(consentFromCustomerPrivacy(api(true, "")).tracking).toBe("1");
    expect(consentFromCustomerPrivacy(api(false, "")).tracking).toBe("u");
    expect(consentFromCustomerPrivacy(api(true, "no"))).toEqual({ tracking: "0", snapshot: "m0;au;su" });
  });

  it("records a refusal with the answer and every identifier cleared, never an event id", () => {
    expect(refusalAttributes("m0;a1;s0")).toEqual({
      _tandem_fbp: "",
      _tandem_fbc: "",
      _tandem_consent: "m0;a1;s0",
      _tandem_click_ids: "",
    });
    // The keys are the full set's, less the event id: a refusal clears everything a grant wrote but the cart's name.
    const full = captureAttributes({ eventId: "e".repeat(22), fbp: "fb.1.1.2", fbc: "fb.1.1.X", consent: "m1;a1;s1", clickIds: { gclid: "G" } });
    expect(Object.keys(refusalAttributes("m0;a0;s0")).sort()).toEqual(Object.keys(full).filter((k) => k !== "_tandem_event_id").sort());
    expect(parseConsent(refusalAttributes("m0;a1;s0")._tandem_consent).marketing).toBe("denied");
  });

  it("writes consent snapshots the server reads back as the same states", () => {
    const STATE = { "1": "granted", "0": "denied", u: "unknown" } as const;
    for (const allowed of [true, false, undefined]) {
      for (const answer of ["yes", "no", "", undefined]) {
        const { snapshot } = consentFromCustomerPrivacy({
          currentVisitorConsent: () => ({ marketing: answer, analytics: answer, sale_of_data: answer }),
          marketingAllowed: () => allowed,
          analyticsProcessingAllowed: () => allowed,
          saleOfDataAllowed: () => allowed,
        });
        const code = snapshot.slice(1, 2) as keyof typeof STATE;
        expect(snapshot).toMatch(/^m[01u];a[01u];s[01u]$/);
        expect(parseConsent(snapshot)).toEqual({ marketing: STATE[code], analytics: STATE[code], saleOfData: STATE[code] });
      }
    }
  });
});

describe("the capture and the cart", () => {
  it("reads only carts: garbage, HTML and non-numeric counts are no cart", () => {
    expect(readCart({ token: "t?key=k", item_count: 2, attributes: { a: "1" } })).toEqual({ itemCount: 2, attributes: { a: "1" } });
    expect(readCart({ item_count: 0, attributes: null })).toEqual({ itemCount: 0, attributes: {} });
    for (const garbage of [null, undefined, "<html>", 3, [], { item_count: "3" }, { item_count: -1 }, { item_count: Number.NaN }]) {
      expect(readCart(garbage)).toBeNull();
    }
  });

  it("prefers the id the cart carries, then the one this page minted", () => {
    const carried = "A".repeat(22);
    expect(cartEventId({ _tandem_event_id: carried }, "B".repeat(22))).toBe(carried);
    expect(cartEventId({ _tandem_event_id: "too-short" }, "B".repeat(22))).toBe("B".repeat(22));
    expect(cartEventId({ _tandem_event_id: 42 }, null)).toBeNull();
  });

  it("writes only the keys that differ, treating an absent key as empty", () => {
    const wanted = captureAttributes({ eventId: "e".repeat(22), fbp: null, fbc: "fb.1.1.X", consent: "m1;a1;s1", clickIds: {} });
    expect(attributesToWrite(wanted, { ...wanted })).toBeNull();
    const { _tandem_fbp: _ignored, _tandem_click_ids: _alsoIgnored, ...withoutEmpty } = wanted;
    expect(attributesToWrite(wanted, withoutEmpty)).toBeNull();
    expect(attributesToWrite(wanted, { ...wanted, _tandem_fbc: "fb.1.1.Old", other: "kept" })).toEqual({ _tandem_fbc: "fb.1.1.X" });
    expect(attributesToWrite(wanted, { ...wanted, _tandem_consent: 5 })).toEqual({ _tandem_consent: "m1;a1;s1" });
  });

  it("recognises Ajax Cart API changes and cart forms under any locale root", () => {
    for (const path of ["/cart/add", "/cart/add.js", "/fr/cart/change.js", "/en-ca/cart/update", "/cart/clear.js"]) {
      expect(isCartChangePath(path), path).toBe(true);
    }
    for (const path of ["/cart.js", "/cart", "/cart/add.json", "/products/cart/addon", "/cart/add.js/x"]) {
      expect(isCartChangePath(path), path).toBe(false);
    }
    expect(isCartFormPost("post", "/cart")).toBe(true);
    expect(isCartFormPost("post", "/fr/cart")).toBe(true);
    expect(isCartFormPost("get", "/cart")).toBe(false);
    expect(isCartFormPost("post", "/cart/add")).toBe(false);
  });
});

/** Shopify's Customer Privacy API after the banner: "yes", "no" or "" (not answered) for every purpose. */
function privacy(answer: "yes" | "no" | "") {
  return {
    currentVisitorConsent: () => ({ marketing: answer, analytics: answer, preferences: answer, sale_of_data: answer }),
    marketingAllowed: () => answer === "yes",
    analyticsProcessingAllowed: () => answer === "yes",
    saleOfDataAllowed: () => answer === "yes",
    userCanBeTracked: () => answer === "yes",
  };
}

/** A page of the demo's kind: cookies and storage in memory, the fake Ajax cart behind requestJson. */
function fakeEnv(cart = createFakeCart(), href = "https://shop.example.com/?fbclid=Click1") {
  const cookies = new Map<string, string>();
  const storage = new Map<string, string>();
  const requests: string[] = [];
  let random = 0;
  const env: CaptureEnv = {
    href,
    hostname: "shop.example.com",
    routesRoot: "/",
    customerPrivacy: undefined,
    readCookie: (name) => cookies.get(name) ?? null,
    writeCookie: (name, value, _domain, maxAge) => void (maxAge === 0 ? cookies.delete(name) : cookies.set(name, value)),
    storageGet: (key) => storage.get(key) ?? null,
    storageSet: (key, value) => void storage.set(key, value),
    async requestJson(method, path, body) {
      requests.push(`${method} ${path}`);
      if (method === "GET") return cart.read().body;
      return cart.update(body as Record<string, unknown>).body;
    },
    randomBytes: (length) => new Uint8Array(length).fill((random += 1)),
    nowMs: () => 1_762_000_000_000,
  };
  return { env, cart, requests, cookies, storage };
}

describe("runCapture", () => {
  it("leaves an empty cart alone: no id minted, nothing written", async () => {
    const { env, requests } = fakeEnv();
    const memory = newCaptureMemory();
    expect(await runCapture(env, memory)).toEqual({ status: "empty_cart" });
    expect(await runCapture(env, memory)).toEqual({ status: "empty_cart" });
    expect(memory.minted).toBeNull();
    expect(requests).toEqual(["GET /cart.js", "GET /cart.js"]);
  });

  it("names a real cart once and then writes only what changes", async () => {
    const { env, cart, requests } = fakeEnv();
    cart.add({ id: VARIANT, quantity: 1 });
    const first = await runCapture(env);
    expect(first.status).toBe("written");
    const id = cart.attributes._tandem_event_id;
    expect(isWellFormedTandemEventId(id)).toBe(true);
    expect(cart.attributes._tandem_fbc).toBe("fb.1.1762000000000.Click1");

    // A later page with nothing new: one read, no write, the same id.
    expect((await runCapture(env)).status).toBe("unchanged");
    // The consent answer changes: only that key is written.
    env.customerPrivacy = { marketingAllowed: () => true, userCanBeTracked: () => true };
    expect(await runCapture(env)).toMatchObject({ status: "written", changed: { _tandem_consent: "m1;au;su" } });
    expect(cart.attributes._tandem_event_id).toBe(id);
    expect(requests.filter((r) => r.startsWith("POST"))).toHaveLength(2);
  });

  it("keeps the id a cart already carries instead of minting", async () => {
    const { env, cart } = fakeEnv();
    cart.add({ id: VARIANT });
    cart.update({ attributes: { _tandem_event_id: "Carried_id_from_page_1x" } });
    await runCapture(env);
    expect(cart.attributes._tandem_event_id).toBe("Carried_id_from_page_1x");
  });

  it("gives a checkout form and the pass still in flight the same minted id", async () => {
    const { env, cart } = fakeEnv();
    const memory = newCaptureMemory();
    await runCapture(env, memory); // page load: empty cart
    cart.add({ id: VARIANT }); // the drawer adds; the shopper submits before the pass has read the cart
    const submitted = wantedAttributes(env, memory);
    await runCapture(env, memory);
    expect(submitted?._tandem_event_id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(cart.attributes._tandem_event_id).toBe(submitted?._tandem_event_id);
    expect(memory.minted).toBeNull();
  });

  it("does nothing while the banner is unanswered, and reports a cart that is not one", async () => {
    const pending = fakeEnv();
    pending.cart.add({ id: VARIANT });
    pending.env.customerPrivacy = privacy("");
    expect(await runCapture(pending.env)).toEqual({ status: "waiting_for_consent" });
    expect(wantedAttributes(pending.env, newCaptureMemory())).toBeNull();
    expect(pending.requests).toEqual([]);
    expect(pending.cookies.size).toBe(0);
    expect(pending.storage.size).toBe(0);

    const broken = fakeEnv();
    broken.env.requestJson = async () => "<!doctype html>";
    expect(await runCapture(broken.env)).toEqual({ status: "no_cart" });
  });

  it("records a refusal on a cart with items: the answer only, no cookie, no stored click id, no id minted", async () => {
    // GIVEN a shopper from an ad click (fbclid, gclid) who declined marketing
    const { env, cart, requests, cookies, storage } = fakeEnv(createFakeCart(), "https://shop.example.com/?fbclid=Click1&gclid=G1");
    env.customerPrivacy = privacy("no");
    const memory = newCaptureMemory();
    // WHEN the cart is empty, THEN the refusal waits for a real cart like everything else
    expect(await runCapture(env, memory)).toEqual({ status: "empty_cart" });
    // WHEN an item is added, THEN the cart carries the refusal and nothing that identifies anyone
    cart.add({ id: VARIANT });
    expect(await runCapture(env, memory)).toMatchObject({ status: "written", changed: { _tandem_consent: "m0;a0;s0" } });
    expect(cart.attributes).toEqual({ _tandem_consent: "m0;a0;s0" });
    expect(cookies.size).toBe(0);
    expect(storage.size).toBe(0);
    expect(memory.minted).toBeNull();
    // AND the next pass has nothing to change
    expect((await runCapture(env, memory)).status).toBe("unchanged");
    expect(requests.filter((r) => r.startsWith("POST"))).toHaveLength(1);
  });

  it("clears the identifiers when consent is withdrawn, keeps the cart's id, and restores them on a new yes", async () => {
    // GIVEN a shopper who granted consent and whose cart carries the full set
    const { env, cart, cookies, storage } = fakeEnv(createFakeCart(), "https://shop.example.com/?fbclid=Click1&gclid=G1");
    env.customerPrivacy = privacy("yes");
    const memory = newCaptureMemory();
    cart.add({ id: VARIANT });
    await runCapture(env, memory);
    const granted = { ...cart.attributes };
    expect(granted).toMatchObject({ _tandem_consent: "m1;a1;s1", _tandem_click_ids: '{"gclid":"G1"}' });
    expect(granted._tandem_fbp).toMatch(/^fb\.1\./);
    const id = granted._tandem_event_id;

    // WHEN the shopper withdraws on a later page (no click ids in its URL)
    env.href = "https://shop.example.com/cart";
    env.customerPrivacy = privacy("no");
    const withdrawn = await runCapture(env, memory);
    // THEN one write clears every identifier and records the refusal; the event id stays the cart's
    expect(withdrawn).toMatchObject({
      status: "written",
      changed: { _tandem_fbp: "", _tandem_fbc: "", _tandem_consent: "m0;a0;s0", _tandem_click_ids: "" },
    });
    expect(cart.attributes).toEqual({ _tandem_event_id: id, _tandem_consent: "m0;a0;s0" });
    // AND the click ids this page remembered are forgotten, and no new cookie was made
    expect(storage.get(CLICK_IDS_STORAGE) ?? "").toBe("");
    expect([...cookies.keys()].sort()).toEqual(["_fbc", "_fbp"]);
    // AND a checkout form submitted now carries the same refusal, without an id to overwrite the cart's
    expect(wantedAttributes(env, memory)).toEqual(refusalAttributes("m0;a0;s0"));

    // WHEN the shopper says yes again in the same cart
    env.customerPrivacy = privacy("yes");
    await runCapture(env, memory);
    // THEN the full set is back under the same id (the cookies survived; the click id came from the URL only once)
    const { _tandem_click_ids: _forgotten, ...grantedWithoutClickIds } = granted;
    expect(cart.attributes).toEqual(grantedWithoutClickIds);
    expect(cart.attributes._tandem_event_id).toBe(id);
  });
});

describe("fake Ajax cart (sim/fake-cart.ts)", () => {
  it("churns an empty cart's token until the first item, then keeps it", () => {
    const cart = createFakeCart();
    const token = () => (cart.read().body as { token: string }).token;
    const [a, b] = [token(), token()];
    expect(a).not.toBe(b);
    expect(a).toMatch(/\?key=[0-9a-f]{32}$/);
    cart.add({ items: [{ id: VARIANT, quantity: 2 }] });
    expect(token()).toBe(token());
    cart.clear();
    expect(cart.itemCount).toBe(0);
    expect(token()).toBe(token());
  });

  it("answers add with the lines, change/update/clear with the cart; attributes merge and '' clears", () => {
    const cart = createFakeCart();
    expect(cart.add({ id: VARIANT, quantity: 1 }).body).toMatchObject({ variant_id: VARIANT, quantity: 1 });
    expect(cart.add({ items: [{ id: VARIANT }] }).body).toMatchObject({ items: [{ quantity: 2 }] });
    expect(cart.add({ id: 1 }).status).toBe(422);
    cart.update({ attributes: { a: "1", b: "2" } });
    expect(cart.update({ attributes: { b: "", c: "3" } }).body).toMatchObject({ attributes: { a: "1", c: "3" }, item_count: 2 });
    expect(cart.change({ line: 1, quantity: 5 }).body).toMatchObject({ item_count: 5 });
    expect(cart.change({ id: VARIANT, quantity: 0 }).body).toMatchObject({ item_count: 0, items: [] });
    cart.add({ id: VARIANT });
    expect(cart.clear().body).toMatchObject({ item_count: 0, attributes: { a: "1", c: "3" } });
  });

  it("records what checkout receives from a cart form POST", () => {
    const cart = createFakeCart();
    expect(cart.submitForm({ checkout: "", attributes: { x: "1" } })).toBeNull(); // empty cart: no checkout
    cart.add({ id: VARIANT });
    expect(cart.submitForm({ attributes: { y: "2" } })).toBeNull(); // an update, not a checkout
    expect(cart.submitForm({ checkout: "", attributes: { x: "", z: "3" } })).toEqual({ attributes: { y: "2", z: "3" }, itemCount: 1 });
  });
});
