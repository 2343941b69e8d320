import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type Server } from "node:http";

// What the bench's baselines share: a bare node:http server on a free local port that reads each body whole and
// answers it with `answer`, kept alive like the app's own server, so the ratio to it measures Tandem's route
// and not a difference in connection handling.

export type BaselineServer = { port: number; server: Server; close(): Promise<void> };
export type BaselineAnswer = { status: number; headers?: OutgoingHttpHeaders };

export async function startBaselineServer(answer: (req: IncomingMessage, body: Buffer) => BaselineAnswer): Promise<BaselineServer> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const { status, headers } = answer(req, Buffer.concat(chunks));
      res.writeHead(status, headers).end();
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
