import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

// The README's first command, as a newcomer runs it (minus the build, which `npm test` has just done).
describe("npm run demo", () => {
  it("plays the journeys and shows every order counted once by Meta", () => {
    expect(existsSync("build/server/index.js"), "run `npm run build` first (npm test does)").toBe(true);
    const result = spawnSync(process.execPath, ["--disable-warning=ExperimentalWarning", "--import", "tsx", "scripts/demo.ts"], {
      encoding: "utf8",
      timeout: 90_000,
      env: { ...process.env, LOG_LEVEL: "silent" },
    });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const out = result.stdout;
    // The first lines are the demo's own: no bundler or server noise before it has something to say.
    expect(out.split("\n").slice(0, 3)).toEqual([
      "Tandem demo: the server path end to end on this machine — a Meta simulator, no store, no internet",
      "",
      expect.stringMatching(/^── setup ─+$/),
    ]);
    expect(out).toMatch(/forged HMAC\s+→ HTTP 401/);
    expect(out).toMatch(/#1001\s+sent .*via note_attribute browser 1 \+ server 1 → Meta counts 1/);
    expect(out).toMatch(/#1002\s+sent .*via checkout_token browser 1 \+ server 1 → Meta counts 1/);
    expect(out).toMatch(/#1003\s+sent .*browser 0 \+ server 1 → Meta counts 1/);
    expect(out).toMatch(/#1004\s+sent\s+event_id=order_\d+ .*via order_id/);
    expect(out).toMatch(/#1006\s+skipped/);
    expect(out).toMatch(/#1007\s+sent .* LDU/);
    expect(out).toContain("purchases seen by both browser and server: 2, each counted once");
    expect(out).toContain("counted twice by Meta: 0; server events sent twice: 0");
  });
});

describe("the demo's quiet build", () => {
  it("prints nothing for a command that succeeds, and hands back everything a failing one said", async () => {
    const { runQuietly } = await import("../../scripts/demo/quiet-build");
    expect(await runQuietly(process.execPath, ["-e", "console.log('lots of build noise')"])).toEqual({ ok: true, output: "lots of build noise\n" });
    const failed = await runQuietly(process.execPath, ["-e", "console.error('vite: cannot resolve x'); process.exit(3)"]);
    expect(failed).toEqual({ ok: false, output: "vite: cannot resolve x\n" });
  });
});
