import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBuiltServer, type BuiltServer } from "../support/built-server";

// The login page over HTTP, against the REAL server build: Shopify's library sends a merchant who opens the
// app outside the admin to /auth/login, which must be a page with a shop field, not a 500.

let server: BuiltServer;

beforeAll(async () => {
  server = await startBuiltServer("login");
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

const url = (path: string) => `http://127.0.0.1:${server.port}${path}`;

function postShop(shop: string): Promise<Response> {
  return fetch(url("/auth/login"), { method: "POST", body: new URLSearchParams({ shop }), redirect: "manual" });
}

/** The error Polaris renders for the shop field: the element its input names in aria-describedby. */
function fieldError(html: string): string | null {
  const input = /<input[^>]*name="shop"[^>]*>/.exec(html)?.[0] ?? "";
  const errorId = /aria-describedby="([^"]*)"/.exec(input)?.[1]?.split(" ").find((id) => id.endsWith("Error"));
  if (errorId === undefined) return null;
  expect(input).toContain('aria-invalid="true"');
  const start = html.indexOf(`id="${errorId}"`);
  return html.slice(start, html.indexOf("</div></div>", start)).replace(/^[^>]*>/, "").replace(/<[^>]+>/g, "").trim();
}

describe("/auth/login", () => {
  it("shows a page with a shop domain form", async () => {
    const response = await fetch(url("/auth/login"));
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("Log in to Tandem");
    expect(html).toMatch(/<form method="post"[^>]*>/);
    expect(html).toMatch(/<input[^>]*name="shop"/);
    expect(fieldError(html)).toBeNull();
  });

  it("asks for the shop when the field is empty", async () => {
    const response = await postShop("");
    expect(response.status).toBe(200);
    expect(fieldError(await response.text())).toBe("Enter your shop domain to log in.");
  });

  it("says what a shop domain looks like when it is not one", async () => {
    const response = await postShop("not a shop!");
    expect(response.status).toBe(200);
    expect(fieldError(await response.text())).toBe("Enter a shop domain like example.myshopify.com.");
  });

  it("sends a good shop to Shopify to install or log in, with or without .myshopify.com", async () => {
    for (const shop of ["tandem-login", "https://tandem-login.myshopify.com/"]) {
      const response = await postShop(shop);
      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toBe("https://admin.shopify.com/store/tandem-login/oauth/install?client_id=test-api-key");
    }
    const viaQuery = await fetch(url("/auth/login?shop=tandem-login.myshopify.com"), { redirect: "manual" });
    expect(viaQuery.headers.get("location")).toBe("https://admin.shopify.com/store/tandem-login/oauth/install?client_id=test-api-key");
  });
});
