import { afterAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDestinationPauses } from "../../app/db/destination-pauses.server";
import { withConnection } from "../db/support";

// The operator CLI as an operator runs it: a separate process on the pinned Node, against a real SQLite file.
const dir = mkdtempSync(join(tmpdir(), "tandem-cli-"));
const env = { ...process.env, DATABASE_URL: `file:${join(dir, "cli.sqlite")}`, LOG_LEVEL: "silent" };

function tandem(...args: string[]) {
  const result = spawnSync(process.execPath, ["--disable-warning=ExperimentalWarning", "--import", "tsx", "scripts/tandem.ts", ...args], {
    env,
    encoding: "utf8",
    timeout: 30_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr.trim() };
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("tandem CLI", () => {
  it("configures a shop and reports its status without ever printing the token", () => {
    const configured = tandem("shops:configure", "--shop", "cli.myshopify.com", "--pixel-id", "123456789", "--access-token", "EAAsecret-token");
    expect(configured.code).toBe(0);
    expect(JSON.parse(configured.stdout)).toEqual({ shop: "cli.myshopify.com", pixelIds: ["123456789"], hasAccessToken: true });

    const status = tandem("shops:status", "--shop", "cli.myshopify.com");
    expect(status.code).toBe(0);
    expect(status.stdout).not.toContain("EAAsecret-token");
    expect(JSON.parse(status.stdout)).toMatchObject({ shop: "cli.myshopify.com", hasAccessToken: true, enabled: true, pausedDestinations: [] });
  });

  it("shows a paused pixel with its cause, and a needs-attention redrive lifts the pause", async () => {
    await withConnection(env.DATABASE_URL, (database) =>
      createDestinationPauses(database).pauseDestination("cli.myshopify.com", "meta:123456789", "Meta error 100/33: Unsupported post request", 5_000),
    );
    const status = tandem("shops:status", "--shop", "cli.myshopify.com");
    expect(JSON.parse(status.stdout)).toMatchObject({
      needsAttentionReason: null,
      pausedDestinations: [{ destination: "meta:123456789", reason: "Meta error 100/33: Unsupported post request", pausedAt: 5_000 }],
    });

    expect(tandem("deliveries:redrive", "--shop", "cli.myshopify.com", "--status", "needs_attention").code).toBe(0);
    expect(JSON.parse(tandem("shops:status", "--shop", "cli.myshopify.com").stdout)).toMatchObject({ pausedDestinations: [] });
  });

  it("lists and redrives deliveries", () => {
    const listed = tandem("deliveries:list", "--shop", "cli.myshopify.com");
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([]);
    const redriven = tandem("deliveries:redrive", "--status", "dead");
    expect(redriven.code).toBe(0);
    expect(JSON.parse(redriven.stdout)).toEqual({ redriven: 0 });
  });

  it("exits non-zero with one clear line on a missing flag", () => {
    const result = tandem("shops:configure", "--shop", "cli.myshopify.com");
    expect(result.code).toBe(1);
    expect(result.stderr.split("\n")).toEqual(["tandem: missing --pixel-id"]);
  });

  it("exits non-zero for an unknown shop and an unknown command", () => {
    expect(tandem("shops:status", "--shop", "nope.myshopify.com")).toMatchObject({ code: 1, stderr: "tandem: unknown shop nope.myshopify.com" });
    expect(tandem("shops:explode").code).toBe(2);
  });
});
