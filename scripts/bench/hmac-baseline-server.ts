import { createHmac, timingSafeEqual } from "node:crypto";
import { startBaselineServer, type BaselineServer } from "./baseline-server";

// The bench's baseline: the least a webhook endpoint can do — read the body, verify Shopify's HMAC, answer
// 200. The real route's figures are reported as a ratio to this, measured in the same process and run.
export function startHmacBaselineServer(secret: string): Promise<BaselineServer> {
  return startBaselineServer((req, body) => {
    const expected = createHmac("sha256", secret).update(body).digest();
    const header = req.headers["x-shopify-hmac-sha256"];
    const given = Buffer.from(typeof header === "string" ? header : "", "base64");
    const ok = given.length === expected.length && timingSafeEqual(given, expected);
    return { status: ok ? 200 : 401 };
  });
}
