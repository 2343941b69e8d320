import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

// Issue 13: one shop must not become two through letter case. `--shop` is lower-cased and checked before the
// CLI touches the database.

const dir = mkdtempSync(join(tmpdir(), "tandem-cli-shop-"));
const database = join(dir, "cli.sqlite");
const env = { ...process.env, DATABASE_URL: `file:${database}`, LOG_LEVEL: "silent" };

function tandem(...args: string[]) {
  const result = spawnSync(process.execPath, ["--disable-warning=ExperimentalWarning", "--import", "tsx", "bin/tandem.ts", ...args], {
    env,
    encoding: "utf8",
    timeout: 30_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr.trim() };
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("tandem --shop", () => {
  it("refuses a domain that is not <name>.myshopify.com with one line, before opening the database", () => {
    const result = tandem("shops:status", "--shop", "shop.example.com");
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/^tandem: --shop must be a <name>\.myshopify\.com domain, got "shop\.example\.com"$/);
    expect(existsSync(database)).toBe(false);
  });

  it("takes the shop in any letter case as the one lower-case shop", () => {
    const configured = tandem("shops:configure", "--shop", "CLI-Case.MyShopify.com", "--pixel-id", "123456789", "--access-token", "EAAsecret-token");
    expect(configured.code).toBe(0);
    expect(JSON.parse(configured.stdout)).toMatchObject({ shop: "cli-case.myshopify.com" });
    const status = tandem("shops:status", "--shop", "cli-case.myshopify.com");
    expect(status.code).toBe(0);
    expect(tandem("shops:status", "--shop", " CLI-CASE.MYSHOPIFY.COM ").stdout).toBe(status.stdout);
  });
});
