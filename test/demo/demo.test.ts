import { beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";

// The README's first command, as a newcomer runs it (minus the build, which `npm test` has just done). It runs
// once, before the tests; each test reads another part of what it printed. The demo itself waits until Tandem
// has sent everything (up to 60 s) before it reports, so on a loaded machine it takes longer rather than printing
// less: the time allowed here is above that wait plus the journeys, not a guess at how long sending takes.
const DEMO_TIMEOUT_MS = 120_000;

type DemoRun = { status: number | null; signal: string | null; stdout: string; stderr: string };
let run: DemoRun;

function runDemo(): Promise<DemoRun> {
  const args = ["--disable-warning=ExperimentalWarning", "--import", "tsx", "scripts/demo.ts"];
  const env = { ...process.env, LOG_LEVEL: "silent" };
  return new Promise((resolve) => {
    execFile(process.execPath, args, { encoding: "utf8", timeout: DEMO_TIMEOUT_MS, env }, (error, stdout, stderr) => {
      const status = error === null ? 0 : typeof error.code === "number" ? error.code : null;
      resolve({ status, signal: error?.signal ?? null, stdout, stderr });
    });
  });
}

type EventFigures = { browser: number; server: number; paired: number; counted: number; once: boolean };

/** The per-event table: `AddToCart   2   3   2  3 (each event id once)` → figures by event name. */
function perEventFigures(out: string): Record<string, EventFigures> {
  const figures: Record<string, EventFigures> = {};
  for (const match of out.matchAll(/^(\w+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+) \((.+)\)$/gm)) {
    const [, name, browser, server, paired, counted, verdict] = match;
    figures[name as string] = { browser: Number(browser), server: Number(server), paired: Number(paired), counted: Number(counted), once: verdict === "each event id once" };
  }
  return figures;
}

/** What the "per journey" section says about one journey (by order name, "—" without an order). */
function journeyLine(out: string, orderName: string): string | undefined {
  const section = out.slice(out.indexOf("── what Meta received, per journey"), out.indexOf("── Health"));
  const line = section.split("\n").find((item) => item.startsWith(`${orderName} `));
  return line?.replace(/^\S+\s+.+?\s{2,}/, "");
}

describe("npm run demo", () => {
  beforeAll(async () => {
    expect(existsSync("build/server/index.js"), "run `npm run build` first (npm test does)").toBe(true);
    run = await runDemo();
  }, DEMO_TIMEOUT_MS + 10_000);

  it("plays the journeys and shows every order counted once by Meta", () => {
    const result = run;
    expect(result.stderr).toBe("");
    expect(result.status, `exit signal ${result.signal}`).toBe(0);
    const out = result.stdout;
    // The first lines are the demo's own: no bundler or server noise before it has something to say.
    expect(out.split("\n").slice(0, 3)).toEqual([
      "Tandem demo: both sides end to end on this machine — a Meta simulator, no store, no internet",
      "",
      expect.stringMatching(/^── setup ─+$/),
    ]);
    expect(out).toMatch(/forged HMAC\s+→ HTTP 401/);
    expect(out).toMatch(/#1001\s+sent .*via note_attribute browser 1 \+ server 1 → Meta counts 1/);
    expect(out).toMatch(/#1002\s+sent .*via checkout_token browser 1 \+ server 1 → Meta counts 1/);
    expect(out).toMatch(/#1003\s+sent .*browser 0 \+ server 1 → Meta counts 1/);
    expect(out).toMatch(/#1004\s+sent\s+event_id=order_\d+ .*via order_id/);
    expect(out).toMatch(/#1006\s+skipped/);
    expect(out).toMatch(/#1007\s+sent .*browser 1 \+ server 1 → Meta counts 1 LDU/);
    expect(out).toContain("purchases seen by both browser and server: 3, each counted once");
    expect(out).toContain("counted twice by Meta: 0; server events sent twice: 0");
  });

  it("sends every funnel event from both sides through the real pixel, counted once by Meta per event name", () => {
    // The simulator's per-event figures, as the demo prints them: browser /tr receipts, server receipts, event ids
    // seen from both sides, and what Meta counts. Four shoppers reach checkout (one with an ad blocker, one buying
    // without a cart), three buy with the pixel reaching Meta, plus one POS order: every funnel event's server
    // count is its browser count plus the ad-blocked shopper's, and every event id is counted once.
    expect(perEventFigures(run.stdout)).toEqual({
      PageView: { browser: 7, server: 0, paired: 0, counted: 7, once: true },
      Search: { browser: 1, server: 1, paired: 1, counted: 1, once: true },
      ViewContent: { browser: 3, server: 4, paired: 3, counted: 4, once: true },
      AddToCart: { browser: 2, server: 3, paired: 2, counted: 3, once: true },
      InitiateCheckout: { browser: 3, server: 4, paired: 3, counted: 4, once: true },
      AddPaymentInfo: { browser: 3, server: 4, paired: 3, counted: 4, once: true },
      Purchase: { browser: 3, server: 5, paired: 3, counted: 5, once: true },
    });
  });

  it("reaches Meta from the server alone for the ad-blocked shopper, and from neither side without consent", () => {
    const out = run.stdout;
    // The blocker stops every /tr request; the collector, on the shop's app URL, still gets each event.
    expect(out).toMatch(/#1003\s+ad blocker: Meta's \/tr blocked\s+Meta \/tr: 0 sent, 7 blocked · Tandem \/collect: 7 \(HTTP 204\)/);
    expect(journeyLine(out, "#1003")).toBe(
      "server only: ViewContent, AddToCart, InitiateCheckout, AddPaymentInfo, Purchase; not at all: PageView ×2",
    );
    expect(journeyLine(out, "#1001")).toBe(
      "both sides: Search, ViewContent, AddToCart, InitiateCheckout, AddPaymentInfo, Purchase; browser only: PageView ×3",
    );
    expect(journeyLine(out, "#1007")).toBe(
      "both sides: ViewContent, AddToCart, InitiateCheckout, AddPaymentInfo, Purchase; browser only: PageView ×2 (LDU on every server event)",
    );
    expect(out).toMatch(/—\s+no consent, leaves at payment\s+Meta \/tr: 0 sent · Tandem \/collect: 0 \(HTTP —\)/);
    expect(journeyLine(out, "—")).toBe("nothing from either side");
    // Health's dedup proof: the ad-blocked shopper's browser Purchase reached Tandem, and the order whose consent
    // said no was skipped on purpose — not sent to Meta by either side, so it is not "server only".
    expect(out).toContain("paid orders: 6, of which paid through a web checkout with the shopper present: 5");
    expect(out).toContain("  same id as the server: 4   another id: 0   server only: 0\n");
    // The report waits for delivery, so no Purchase is still on its way when Health is read.
    expect(out).toContain("  still on the way to Meta from the server: 0   waiting for the shop's Meta setup: 0\n");
    expect(out).toContain("  not sent to Meta (skipped on purpose, see Activity): 1");
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
