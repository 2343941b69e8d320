// A loopback stand-in for Tandem's collector that records what the pixel posts to it, answering as the real
// collector does (204, no data, CORS open to any origin, OPTIONS answered) so a preflight would be visible.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export type CollectorCall = { method: string; contentType: string | undefined; body: string; params: URLSearchParams };

export type RecordingCollector = { url: string; calls: CollectorCall[]; reset(): void; close(): Promise<void> };

export async function startRecordingCollector(): Promise<RecordingCollector> {
  const calls: CollectorCall[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      calls.push({ method: String(req.method), contentType: req.headers["content-type"], body, params: new URLSearchParams(body) });
      res.writeHead(204, { "access-control-allow-origin": "*", "access-control-allow-methods": "POST, OPTIONS" });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/collect`,
    calls,
    reset: () => void calls.splice(0),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
