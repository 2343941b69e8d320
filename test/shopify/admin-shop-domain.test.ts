import { beforeAll, describe, expect, it } from "vitest";
import { authenticate } from "../../app/shopify/app.server";
import { embeddedQuery, mintSessionToken, storeOfflineSession } from "../admin/session-token";
import { useTestApp } from "../support/app";
import { thrownResponse } from "../support/thrown-response";

// Issue 13: one shop must not become two through letter case. The admin's edge is the library's
// authenticate.admin: the shop comes from the session token's `dest`, a URL whose host name is lower-cased
// when it is parsed, and a `shop` parameter whose domain is not spelled `myshopify.com` is sent to login.
// These pin that down, so an upgrade that changed it would be noticed (docs/decisions/0019).

const SHOP = "admin-case.myshopify.com";
const SPELLED = "Admin-Case.myshopify.com";
const BROWSER = { "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0.0.0 Safari/537.36" };

const app = useTestApp({ per: "file" });
beforeAll(async () => {
  await storeOfflineSession(app.context.sessionStorage, SHOP);
});

describe("the admin session's shop", () => {
  it("is the shop's lower-case domain however the admin URL and the token spell it", async () => {
    const token = mintSessionToken({ shop: SPELLED, apiKey: "test-api-key", secret: "test-api-secret" });
    const request = new Request(`http://localhost:3000/app?${embeddedQuery(SPELLED, token)}`, { headers: BROWSER });
    let result;
    try {
      result = await authenticate.admin(request);
    } catch (thrown) {
      if (thrown instanceof Response) throw new Error(`authenticate.admin answered ${thrown.status} ${thrown.headers.get("location") ?? ""} ${await thrown.text()}`);
      throw thrown;
    }
    const { session } = result;
    expect(session.shop).toBe(SHOP);
  });

  it("is never a domain spelled otherwise: such a request is sent to login and no session is made for it", async () => {
    const spelled = "Admin-Case.MyShopify.COM";
    const token = mintSessionToken({ shop: spelled, apiKey: "test-api-key", secret: "test-api-secret" });
    const request = new Request(`http://localhost:3000/app?${embeddedQuery(spelled, token)}`, { headers: BROWSER });
    const answer = await thrownResponse(authenticate.admin(request));
    expect(answer?.status).toBe(302);
    expect(answer?.headers.get("location")).toMatch(/^\/auth\/login/);
    expect(await app.context.sessionStorage.findSessionsByShop(spelled)).toEqual([]);
  });
});
