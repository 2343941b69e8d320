import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type Server } from "node:http";

// The bench's baseline: the least a webhook endpoint can do — read the body, verify Shopify's HMAC, answer
// 200. The real route's figures are reported as a ratio to this, measured in the same process and run.
export async function startHmacBaselineServer(secret: string): Promise<{ port: number; server: Server; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const expected = createHmac("sha256", secret).update(Buffer.concat(chunks)).digest();
      const header = req.headers["x-shopify-hmac-sha256"];
      const given = Buffer.from(typeof header === "string" ? header : "", "base64");
      const ok = given.length === expected.length && timingSafeEqual(given, expected);
      res.writeHead(ok ? 200 : 401).end();
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
