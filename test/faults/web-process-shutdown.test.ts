import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../app/db/connection.server";
import { createOutbox } from "../../app/db/outbox.server";
import { createShopStore } from "../../app/db/shops.server";
import { encryptionKeys, parseEnv } from "../../app/env.server";
import { numberedOrder } from "../../sim/fixtures/order-payloads";
import { startMetaSimulator, type MetaSimulator } from "../../sim/meta-graph-sim";
import { createWebhookClient } from "../../sim/webhook-sender";
import { TEST_SECRET } from "../support/app-context";
import { waitFor } from "../support/wait";
import { withConnection } from "../db/support";

// `npm start` as a real process (build/node/server.js, which npm test builds): embedded mode, delivering from
// its delivery thread (decision 0010). SIGTERM while Meta is still answering must let that send finish and be
// recorded, then exit 0.

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SHOP = "sigterm-shop.myshopify.com";
const PIXEL = "888888888888888";
const TOKEN = "EAAB-sigterm";

describe("web process (npm start), embedded mode", () => {
  let sim: MetaSimulator;
  let dir: string;
  let url: string;

  beforeAll(async () => {
    sim = await startMetaSimulator({ pixels: { [PIXEL]: TOKEN } });
    dir = mkdtempSync(join(tmpdir(), "tandem-web-sigterm-"));
    url = `file:${join(dir, "tandem.sqlite")}`;
    const database = await openDatabase(url);
    await createShopStore(database, encryptionKeys(parseEnv(process.env))).saveShopConfig(SHOP, { pixelIds: [PIXEL], accessToken: TOKEN }, Date.now());
    await database.close();
  });
  afterAll(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("delivers from its thread, and on SIGTERM finishes the send in flight, records it and exits 0", async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: "0", DATABASE_URL: url, META_GRAPH_URL: sim.url, LOG_LEVEL: "warn" };
    delete env.REDIS_URL;
    delete env.WORKER;
    const child = spawn(process.execPath, ["--disable-warning=ExperimentalWarning", "build/node/server.js"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => void (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => void (stderr += chunk.toString("utf8")));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      await waitFor(async () => /listening on http:\/\/localhost:\d+/.test(stdout), 20_000, "server listening");
      const port = /listening on http:\/\/localhost:(\d+)/.exec(stdout)?.[1];
      const baseUrl = `http://127.0.0.1:${port}`;
      // GIVEN the production server reports its delivery thread healthy
      await waitFor(async () => ((await (await fetch(`${baseUrl}/healthz`)).json()) as { worker?: string }).worker === "ok", 10_000, "thread up");
      // AND Meta takes 800 ms to answer the order's send
      sim.setLatency(800);
      const client = createWebhookClient({ baseUrl, secret: TEST_SECRET });
      const order = JSON.stringify(numberedOrder(1, { processed_at: new Date(Date.now() - 60_000).toISOString() }));
      expect((await client.send("orders/paid", SHOP, order, { webhookId: "wh-sigterm-1" })).status).toBe(200);
      client.close();
      await withConnection(url, (observer) => {
        const leased = async () =>
          (await observer.db.selectFrom("deliveries").select("id").where("lease_owner", "is not", null).execute()).length === 1;
        return waitFor(leased, 5_000, "row leased by the thread");
      });
      expect(sim.accepted).toHaveLength(0);
      // WHEN the process is told to stop
      child.kill("SIGTERM");
      // THEN it exits 0 only after Meta's answer was recorded
      expect(await exited).toBe(0);
      expect(sim.accepted).toHaveLength(1);
      expect(await withConnection(url, (after) => createOutbox(after).countByStatus(SHOP))).toMatchObject({ sent: 1, pending: 0 });
      expect(stderr).not.toContain(TOKEN);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  }, 60_000);
});
