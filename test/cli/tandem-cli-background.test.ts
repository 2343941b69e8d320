import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type AddressInfo, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAlertLog } from "../../app/db/alerts.server";
import { openDatabase } from "../../app/db/connection.server";
import { createDestinationPauses } from "../../app/db/destination-pauses.server";
import { createOutbox } from "../../app/db/outbox.server";
import type { NewDelivery } from "../../app/db/outbox-types";
import { createShopStore } from "../../app/db/shops.server";
import { parseEncryptionKey } from "../../app/db/token-crypto.server";
import { withConnection } from "../db/support";
import { startMetaSimulator, type MetaSimulator } from "../../sim/meta-graph-sim";

// The operator CLI is no web process: whatever SMTP_URL says, a run starts no alert check (decision 0021: web
// processes only), no delivery worker and no retention, and exits when its command is done. The CLI runs as a
// real process with a preload that makes every timer of a minute or more fire within milliseconds, so what it
// would start after a minute of a long command shows up in a one-second run.

const SHOP = "quiet-cli.myshopify.com";
const PIXEL = "123456789";
const TOKEN = "EAAquiet-cli-token";
const DAY_MS = 24 * 60 * 60 * 1000;
/** Meta answers the redrive's token check this late, so the command is still running when a minute "passes". */
const META_LATENCY_MS = 1_500;
/** nodemailer's greeting timeout in app/alerts/mailer.server.ts: a send stuck on the listener would hold the exit this long. */
const SMTP_GREETING_TIMEOUT_MS = 15_000;

const dir = mkdtempSync(join(tmpdir(), "tandem-cli-background-"));
const DATABASE_URL = `file:${join(dir, "cli.sqlite")}`;

/** A loopback listener that records every connection and never greets: an SMTP server that says nothing. */
type SmtpListener = { url: string; connections: number; close(): Promise<void> };

async function startSilentSmtp(): Promise<SmtpListener> {
  const listener = { connections: 0 };
  const server: Server = createServer((socket) => {
    listener.connections += 1;
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `smtp://alerts:smtp-secret-pw@127.0.0.1:${port}`,
    get connections() {
      return listener.connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
      }),
  };
}

function delivery(): NewDelivery {
  return {
    shop: SHOP,
    destination: `meta:${PIXEL}`,
    eventName: "Purchase",
    eventId: "evt-waiting",
    provenance: "order_id",
    orderId: "1001",
    orderName: "#1001",
    eventTime: 1_800_000_000,
    payload: { event_name: "Purchase" },
    matchKeys: ["em"],
    status: "pending",
    nextAttemptAt: 0,
  } as NewDelivery;
}

type Run = { code: number | null; stdout: string; stderr: string; elapsedMs: number };

function tandem(env: NodeJS.ProcessEnv, ...args: string[]): Promise<Run> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["--disable-warning=ExperimentalWarning", "--import", "tsx", "--import", "./test/cli/support/minutes-pass-quickly.ts", "bin/tandem.ts", ...args],
      { env, encoding: "utf8", timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : null;
        if (code === null) reject(error ?? new Error("no exit code"));
        else resolve({ code, stdout, stderr: stderr.trim(), elapsedMs: performance.now() - started });
      },
    );
  });
}

let sim: MetaSimulator;
let smtp: SmtpListener;

beforeAll(async () => {
  sim = await startMetaSimulator({ pixels: { [PIXEL]: TOKEN } });
  smtp = await startSilentSmtp();
  // GIVEN a configured shop with an alert address, one paused pixel (an alert cause) with a waiting purchase,
  // and an alert_log row past its 40 days (the alert check deletes such rows first thing)
  const database = await openDatabase(DATABASE_URL, { checkpointThread: false });
  try {
    const now = Date.now();
    const shops = createShopStore(database, [parseEncryptionKey(String(process.env.TOKEN_ENCRYPTION_KEY))]);
    await shops.saveShopConfig(SHOP, { pixelIds: [PIXEL], accessToken: TOKEN, alertEmail: "ops@example.com" }, now - 3 * DAY_MS);
    // the purchase waits as a worker leaves it when Meta refuses the pixel: claimed, then needs_attention
    const outbox = createOutbox(database);
    await outbox.enqueue([delivery()], now - DAY_MS);
    const claimed = await outbox.claimDue({ nowMs: now - DAY_MS, limit: 10, owner: "seed", leaseMs: 60_000 });
    const reason = "Meta error 100/33: Unsupported post request";
    expect(await outbox.markNeedsAttention(claimed.map((row) => row.id), { owner: "seed", nowMs: now - DAY_MS, reason })).toBe(1);
    await createDestinationPauses(database).pauseDestination(SHOP, `meta:${PIXEL}`, reason, now - DAY_MS);
    expect(await createAlertLog(database).claim(SHOP, "shop_paused", "2026-01-01", now - 41 * DAY_MS)).toBe(true);
  } finally {
    await database.close();
  }
});

afterAll(async () => {
  await sim?.close();
  await smtp?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("tandem CLI with SMTP_URL set", () => {
  it("starts no alert check, no delivery and no retention, even when a long command outlasts their first minute, and exits once done", async () => {
    // WHEN an operator redrives the waiting purchase and Meta is slow to confirm the pixel
    sim.setLatency(META_LATENCY_MS);
    const run = await tandem(
      { ...process.env, DATABASE_URL, META_GRAPH_URL: sim.url, SMTP_URL: smtp.url, LOG_LEVEL: "info" },
      "deliveries:redrive", "--shop", SHOP, "--status", "needs_attention",
    );

    // THEN the command did its work: Meta was asked once, the pause lifted, the purchase made due
    expect(run, run.stderr).toMatchObject({ code: 0, stderr: "" });
    // stdout is the command's answer alone: an alert check would have logged there (LOG_LEVEL info)
    expect(run.stdout).not.toMatch(/alerts:/);
    expect(run.stdout.trim()).toBe(JSON.stringify({ redriven: 1, refused: [] }, null, 2));
    expect(sim.reads.map((read) => [read.pixelId, read.status])).toEqual([[PIXEL, 200]]);
    // and nothing else ran: no alert check (no SMTP connection, the expired alert_log row still there), no
    // delivery (Meta received no event, the row waits for a worker), and the exit came long before a stuck
    // SMTP exchange could have held it
    expect(smtp.connections).toBe(0);
    expect(run.elapsedMs).toBeLessThan(SMTP_GREETING_TIMEOUT_MS);
    expect(sim.accepted).toEqual([]);
    await withConnection(DATABASE_URL, async (database) => {
      expect(await createAlertLog(database).list(SHOP)).toMatchObject([{ cause: "shop_paused", day: "2026-01-01" }]);
      const { rows } = await createOutbox(database).list({ shop: SHOP, limit: 10, after: null });
      expect(rows.map((row) => [row.eventId, row.status])).toEqual([["evt-waiting", "pending"]]);
    });
  }, 90_000);
});
