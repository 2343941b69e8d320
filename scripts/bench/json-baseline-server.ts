import { createServer, type Server } from "node:http";

// The collector's baseline: the least an event-collecting endpoint can do — read a JSON body, parse it, answer
// 204 with the CORS header a browser needs. The collector's figures are printed as a ratio to this, measured in
// the same process and run (not judged: the budgets are absolute).
export async function startJsonBaselineServer(): Promise<{ port: number; server: Server; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      let ok = true;
      try {
        JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        ok = false;
      }
      res.writeHead(ok ? 204 : 400, { "Access-Control-Allow-Origin": "*", "Content-Length": "0" }).end();
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
