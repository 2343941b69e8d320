import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDestinationPauses } from "../../app/db/destination-pauses.server";
import { withConnection } from "../db/support";
import { startMetaSimulator, type MetaSimulator } from "../../sim/meta-graph-sim";

// The operator CLI as an operator runs it: a separate process on the pinned Node, against a real SQLite file.
const dir = mkdtempSync(join(tmpdir(), "tandem-cli-"));
const DATABASE_URL = `file:${join(dir, "cli.sqlite")}`;
const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL, LOG_LEVEL: "silent" };

function tandem(...args: string[]) {
  return tandemWith(env, ...args);
}

/** Async, so a slow child does not block this worker's event loop (vitest's own RPC runs on it). */
function tandemWith(processEnv: NodeJS.ProcessEnv, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["--disable-warning=ExperimentalWarning", "--import", "tsx", "bin/tandem.ts", ...args],
      { env: processEnv, encoding: "utf8", timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : null;
        if (code === null) reject(error ?? new Error("no exit code"));
        else resolve({ code, stdout, stderr: stderr.trim() });
      },
    );
  });
}

// A redrive asks Meta whether a pause's cause is gone before it moves rows (decision 0022): the simulator answers.
let sim: MetaSimulator;
beforeAll(async () => {
  sim = await startMetaSimulator({ pixels: { "123456789": "EAAsecret-token" } });
  env.META_GRAPH_URL = sim.url;
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

// Every command the CLI has; the help and the unknown-command message must name each one.
const CLI_COMMANDS = [
  "shops:configure", "shops:status", "shops:alerts", "deliveries:list", "deliveries:redrive", "secrets:reencrypt", "db:build-due-index",
  "data-requests:list", "data-requests:show",
];

describe("tandem CLI", () => {
  it("configures a shop and reports its status without ever printing the token", async () => {
    const configured = await tandem("shops:configure", "--shop", "cli.myshopify.com", "--pixel-id", "123456789", "--access-token", "EAAsecret-token");
    expect(configured.code).toBe(0);
    expect(JSON.parse(configured.stdout)).toEqual({ shop: "cli.myshopify.com", pixelIds: ["123456789"], hasAccessToken: true });

    const status = await tandem("shops:status", "--shop", "cli.myshopify.com");
    expect(status.code).toBe(0);
    expect(status.stdout).not.toContain("EAAsecret-token");
    expect(JSON.parse(status.stdout)).toMatchObject({ shop: "cli.myshopify.com", hasAccessToken: true, enabled: true, pausedDestinations: [] });
  });

  it("shows a paused pixel with its cause, and a needs-attention redrive lifts the pause once Meta confirms the pixel", async () => {
    await withConnection(DATABASE_URL, (database) =>
      createDestinationPauses(database).pauseDestination("cli.myshopify.com", "meta:123456789", "Meta error 100/33: Unsupported post request", 5_000),
    );
    const status = await tandem("shops:status", "--shop", "cli.myshopify.com");
    expect(JSON.parse(status.stdout)).toMatchObject({
      needsAttentionReason: null,
      pausedDestinations: [{ destination: "meta:123456789", reason: "Meta error 100/33: Unsupported post request", pausedAt: 5_000 }],
    });

    expect((await tandem("deliveries:redrive", "--shop", "cli.myshopify.com", "--status", "needs_attention")).code).toBe(0);
    expect(JSON.parse((await tandem("shops:status", "--shop", "cli.myshopify.com")).stdout)).toMatchObject({ pausedDestinations: [] });
    expect(sim.reads.map((read) => [read.pixelId, read.status])).toEqual([["123456789", 200]]);
  });

  it("lists and redrives deliveries", async () => {
    const listed = await tandem("deliveries:list", "--shop", "cli.myshopify.com");
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([]);
    const redriven = await tandem("deliveries:redrive", "--status", "dead");
    expect(redriven.code).toBe(0);
    expect(JSON.parse(redriven.stdout)).toEqual({ redriven: 0, refused: [] });
  });

  it("exits non-zero with one clear line on a missing flag", async () => {
    const result = await tandem("shops:configure", "--shop", "cli.myshopify.com");
    expect(result.code).toBe(2);
    expect(result.stderr.split("\n")).toEqual(["tandem: missing --pixel-id"]);
  });

  it("exits non-zero for an unknown shop and an unknown command, naming the commands and the help", async () => {
    expect(await tandem("shops:status", "--shop", "nope.myshopify.com")).toMatchObject({ code: 1, stderr: "tandem: unknown shop nope.myshopify.com" });
    const unknown = await tandem("shops:explode");
    expect(unknown.code).toBe(2);
    // Every command is named (in whatever order the CLI keeps them), then where the help is.
    const named = /^tandem: unknown command shops:explode; commands: (.+) \(help: npm run tandem -- --help\)$/.exec(unknown.stderr);
    expect(named?.[1]?.split(", ").sort()).toEqual([...CLI_COMMANDS].sort());
  });

  it.each([["--help"], ["-h"], ["help"], ["deliveries:list", "--help"]])("prints the usage for %s and exits 0, without the environment", async (...args) => {
    const { TOKEN_ENCRYPTION_KEY: _key, ...withoutKey } = env;
    const result = await tandemWith(withoutKey, ...args);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    for (const command of CLI_COMMANDS) {
      expect(result.stdout).toContain(`  ${command} `);
    }
    // Valid values are listed, not left to guess.
    expect(result.stdout).toContain("pending, retrying, sent, needs_attention, held, skipped, dead");
    expect(result.stdout).toContain("--status dead|needs_attention");
  });

  it("checks the arguments before the environment, and says what a missing TOKEN_ENCRYPTION_KEY is and how to make one", async () => {
    const { TOKEN_ENCRYPTION_KEY: _key, ...withoutKey } = env;
    expect(await tandemWith(withoutKey, "deliveries:list", "--status", "bogus")).toMatchObject({ code: 2, stderr: expect.stringMatching(/^tandem: --status must be one of/) });
    const result = await tandemWith(withoutKey, "deliveries:list");
    expect(result.code).toBe(1);
    expect(result.stderr.split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/^tandem: TOKEN_ENCRYPTION_KEY is not set\. .*32 bytes, base64.*`openssl rand -base64 32`/);
  });

  it("refuses what the settings page refuses, and stores nothing", async () => {
    const result = await tandem("shops:configure", "--shop", "notadomain", "--pixel-id", "abc", "--access-token", "EAAsecret-token");
    expect(result).toMatchObject({ code: 2, stderr: 'tandem: --shop must be a <name>.myshopify.com domain, got "notadomain"' });
    const pixel = await tandem("shops:configure", "--shop", "bad-pixel.myshopify.com", "--pixel-id", "abc", "--access-token", "EAA token");
    expect(pixel.code).toBe(2);
    expect(pixel.stderr).toBe(
      "tandem: --pixel-id: Each pixel (dataset) ID is 6 to 20 digits, as shown in Events Manager. --access-token: Paste the whole access token from Events Manager (no spaces).",
    );
    expect(await tandem("shops:configure", "--shop", "bad-pixel.myshopify.com", "--pixel-id", "123456789", "--access-token", "EAAsecret", "--test-event-code", "no spaces please"))
      .toMatchObject({ code: 2, stderr: expect.stringMatching(/^tandem: --test-event-code: /) });
    expect(await tandem("shops:status", "--shop", "bad-pixel.myshopify.com")).toMatchObject({ code: 1, stderr: "tandem: unknown shop bad-pixel.myshopify.com" });
  });

  it("refuses an unknown status listing the valid ones, a limit that is not a number, and an unknown flag", async () => {
    const status = await tandem("deliveries:list", "--status", "bogus");
    expect(status).toMatchObject({ code: 2, stdout: "" });
    expect(status.stderr).toBe('tandem: --status must be one of pending, retrying, sent, needs_attention, held, skipped, dead; got "bogus"');
    expect(await tandem("deliveries:list", "--limit", "abc")).toMatchObject({ code: 2, stderr: 'tandem: --limit must be a whole number from 1 to 1000; got "abc"' });
    expect((await tandem("deliveries:list", "--limit", "0")).code).toBe(2);
    expect(await tandem("deliveries:redrive", "--status", "sent")).toMatchObject({ code: 2, stderr: 'tandem: --status must be one of dead, needs_attention; got "sent"' });
    expect(await tandem("deliveries:list", "--shopp", "x")).toMatchObject({ code: 2, stderr: expect.stringMatching(/^tandem: Unknown option '--shopp'/) });
    expect(await tandem("deliveries:list", "--status", "needs-attention", "--limit", "5")).toMatchObject({ code: 0, stdout: "[]\n" });
  });

  it("sets and clears where a shop's alert emails go", async () => {
    expect(await tandem("shops:alerts", "--shop", "cli.myshopify.com", "--email", "not an address")).toMatchObject({
      code: 2,
      stderr: "tandem: --email: Enter an email address, like you@example.com.",
    });
    expect((await tandem("shops:alerts", "--shop", "cli.myshopify.com")).code).toBe(2);
    const set = await tandem("shops:alerts", "--shop", "cli.myshopify.com", "--email", "Ops@Example.com");
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout)).toEqual({ shop: "cli.myshopify.com", alertEmail: "ops@example.com" });
    expect(JSON.parse((await tandem("shops:status", "--shop", "cli.myshopify.com")).stdout)).toMatchObject({ alertEmail: "ops@example.com" });
    expect(JSON.parse((await tandem("shops:alerts", "--shop", "cli.myshopify.com", "--clear")).stdout)).toEqual({ shop: "cli.myshopify.com", alertEmail: null });
    expect(await tandem("shops:alerts", "--shop", "nope.myshopify.com", "--clear")).toMatchObject({ code: 1, stderr: "tandem: unknown shop nope.myshopify.com" });
  });
});
