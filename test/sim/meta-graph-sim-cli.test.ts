import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const CLI = fileURLToPath(new URL("../../sim/meta-graph-sim-cli.ts", import.meta.url));

describe("meta-graph-sim-cli", () => {
  it("starts the simulator with the pixels given and serves its state until stopped", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", CLI, "--port", "0", "--pixel", "111:tok-a", "--pixel", "222:tok-b"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (chunk: Buffer) => {
          out += chunk.toString();
          const match = /listening on (http:\/\/\S+)/.exec(out);
          if (match) resolve(match[1]);
        });
        child.once("exit", (code) => reject(new Error(`cli exited with ${code}`)));
      });
      const state = (await (await fetch(`${url}/__sim/state`)).json()) as { countsByPixel: Record<string, unknown> };
      expect(Object.keys(state.countsByPixel).sort()).toEqual(["111", "222"]);
      const tr = await fetch(`${url}/tr?id=222&ev=PageView`);
      expect(tr.status).toBe(200);
    } finally {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
  });

  it("refuses a malformed --pixel with one clear line and a non-zero exit", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", CLI, "--pixel", "no-token"], { stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    child.stderr.on("data", (chunk: Buffer) => { err += chunk.toString(); });
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).toBe(2);
    expect(err).toContain("--pixel must look like <pixelId>:<accessToken>");
  });
});
