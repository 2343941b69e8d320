import { describe, expect, it } from "vitest";
import { parseEnv } from "../../app/env.server";

const BASE = { SHOPIFY_API_KEY: "k", SHOPIFY_API_SECRET: "s", TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString("base64") };

describe("TRUST_PROXY", () => {
  it("is off by default: the collector uses the socket's address and ignores X-Forwarded-For", () => {
    expect(parseEnv(BASE).TRUST_PROXY).toBe(0);
  });

  it("reads true as one proxy and a digit as that many", () => {
    expect(parseEnv({ ...BASE, TRUST_PROXY: "true" }).TRUST_PROXY).toBe(1);
    expect(parseEnv({ ...BASE, TRUST_PROXY: "false" }).TRUST_PROXY).toBe(0);
    expect(parseEnv({ ...BASE, TRUST_PROXY: "2" }).TRUST_PROXY).toBe(2);
  });

  it("refuses anything else with a line naming the variable", () => {
    expect(() => parseEnv({ ...BASE, TRUST_PROXY: "yes" })).toThrow(/TRUST_PROXY/);
    expect(() => parseEnv({ ...BASE, TRUST_PROXY: "10.0.0.1" })).toThrow(/TRUST_PROXY/);
  });
});
