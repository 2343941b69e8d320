import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { parseEnv } from "../../app/env.server";

const VALID = {
  SHOPIFY_API_KEY: "key",
  SHOPIFY_API_SECRET: "secret",
  TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
};

describe("parseEnv", () => {
  it("leaves alert emails off without SMTP_URL, and names a malformed one without echoing its password", () => {
    expect(parseEnv(VALID).SMTP_URL).toBeUndefined();
    expect(parseEnv({ ...VALID, SMTP_URL: "smtps://user:pw@mail.example.com:465", ALERT_FROM: "Tandem <alerts@example.com>" })).toMatchObject({
      SMTP_URL: "smtps://user:pw@mail.example.com:465",
      ALERT_FROM: "Tandem <alerts@example.com>",
    });
    const wrong = () => parseEnv({ ...VALID, SMTP_URL: "http://user:secret-pw@mail.example.com" });
    expect(wrong).toThrow(/^Invalid environment: SMTP_URL must look like smtp\(s\):\/\/user:pass@host:port$/);
    expect(() => parseEnv({ ...VALID, ALERT_FROM: "alerts" })).toThrow(/^Invalid environment: ALERT_FROM must be an address/);
    expect(() => parseEnv({ ...VALID, ALERT_FROM: "a@b.example\r\nBcc: x@y.example" })).toThrow(/ALERT_FROM/);
  });

  it("applies the documented defaults", () => {
    const env = parseEnv(VALID);
    expect(env).toMatchObject({
      PORT: 3000,
      DATABASE_URL: "file:./data/tandem.sqlite",
      META_GRAPH_URL: "https://graph.facebook.com",
      META_GRAPH_VERSION: "v26.0",
      WORKER: "inline",
      SHOPIFY_APP_URL: "http://localhost:3000",
      BIND_ADDRESS: "127.0.0.1",
      METRICS_BIND_ADDRESS: "127.0.0.1",
      RETENTION_PAYLOAD_DAYS: 8,
      RETENTION_RECEIPT_DAYS: 30,
      RETENTION_METADATA_DAYS: 90,
    });
    expect(env.REDIS_URL).toBeUndefined();
    expect(env.METRICS_TOKEN).toBeUndefined();
    expect(env.METRICS_PORT).toBeUndefined();
  });

  it("keeps an old RETENTION_PAYLOAD_DAYS working: it still parses, and still sets the receipts' period unless RETENTION_RECEIPT_DAYS does", () => {
    expect(parseEnv({ ...VALID, RETENTION_PAYLOAD_DAYS: "30" })).toMatchObject({ RETENTION_PAYLOAD_DAYS: 30, RETENTION_RECEIPT_DAYS: 30 });
    expect(parseEnv({ ...VALID, RETENTION_PAYLOAD_DAYS: "3" })).toMatchObject({ RETENTION_PAYLOAD_DAYS: 3, RETENTION_RECEIPT_DAYS: 3 });
    expect(parseEnv({ ...VALID, RETENTION_PAYLOAD_DAYS: "3", RETENTION_RECEIPT_DAYS: "2" })).toMatchObject({ RETENTION_PAYLOAD_DAYS: 3, RETENTION_RECEIPT_DAYS: 2 });
    expect(() => parseEnv({ ...VALID, RETENTION_RECEIPT_DAYS: "0" })).toThrow(/RETENTION_RECEIPT_DAYS/);
  });

  it("takes a bind address as an IP address, and names a host name in one line", () => {
    expect(parseEnv({ ...VALID, BIND_ADDRESS: "0.0.0.0" }).BIND_ADDRESS).toBe("0.0.0.0");
    expect(parseEnv({ ...VALID, BIND_ADDRESS: "::" }).BIND_ADDRESS).toBe("::");
    expect(() => parseEnv({ ...VALID, BIND_ADDRESS: "https://tandem.example.com" })).toThrow(
      /^Invalid environment: BIND_ADDRESS must be an IP address/,
    );
  });

  it("keeps the metrics port on loopback when BIND_ADDRESS opens the app's, until METRICS_BIND_ADDRESS says otherwise", () => {
    expect(parseEnv({ ...VALID, BIND_ADDRESS: "0.0.0.0" }).METRICS_BIND_ADDRESS).toBe("127.0.0.1");
    expect(parseEnv({ ...VALID, METRICS_BIND_ADDRESS: "0.0.0.0" }).METRICS_BIND_ADDRESS).toBe("0.0.0.0");
    expect(parseEnv({ ...VALID, METRICS_BIND_ADDRESS: "::1" }).METRICS_BIND_ADDRESS).toBe("::1");
    expect(() => parseEnv({ ...VALID, METRICS_BIND_ADDRESS: "localhost" })).toThrow(
      /^Invalid environment: METRICS_BIND_ADDRESS must be an IP address, e.g. 127.0.0.1 or 0.0.0.0$/,
    );
  });

  it("refuses a metrics token short enough to guess, and a metrics port out of range", () => {
    expect(parseEnv({ ...VALID, METRICS_TOKEN: "a-long-enough-token-123" }).METRICS_TOKEN).toBe("a-long-enough-token-123");
    expect(() => parseEnv({ ...VALID, METRICS_TOKEN: "short" })).toThrow(/^Invalid environment: METRICS_TOKEN must be at least 16 characters$/);
    expect(parseEnv({ ...VALID, METRICS_PORT: "9464" }).METRICS_PORT).toBe(9464);
    expect(() => parseEnv({ ...VALID, METRICS_PORT: "70000" })).toThrow(/METRICS_PORT/);
  });

  it("names a missing variable in one line", () => {
    const { SHOPIFY_API_SECRET: _omitted, ...rest } = VALID;
    expect(() => parseEnv(rest)).toThrow(/^Invalid environment: SHOPIFY_API_SECRET is required$/);
  });

  it("rejects an encryption key that is not 32 bytes", () => {
    expect(() => parseEnv({ ...VALID, TOKEN_ENCRYPTION_KEY: Buffer.alloc(16).toString("base64") })).toThrow(
      /TOKEN_ENCRYPTION_KEY/,
    );
  });

  it("rejects a database URL of an unknown kind", () => {
    expect(() => parseEnv({ ...VALID, DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL/);
  });

  it("accepts several encryption keys for rotation", () => {
    const second = Buffer.alloc(32, 9).toString("base64");
    expect(parseEnv({ ...VALID, TOKEN_ENCRYPTION_KEY: `${VALID.TOKEN_ENCRYPTION_KEY},${second}` }).TOKEN_ENCRYPTION_KEY).toHaveLength(2);
  });
});

describe("server start", () => {
  // bin/web.ts as developers run it, and build/node/server.js as `npm start` runs it (npm test builds it).
  it.each([
    ["bin/web.ts", ["--import", "tsx", "bin/web.ts"]],
    ["build/node/server.js (npm start)", ["build/node/server.js"]],
  ])("%s stops with one clear line and a non-zero exit when a variable is missing", (_name, args) => {
    const { SHOPIFY_API_SECRET: _drop, ...env } = process.env;
    const result = spawnSync(process.execPath, args, {
      env,
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split("\n").filter((line) => !line.includes("ExperimentalWarning") && !line.includes("--trace-warnings"));
    expect(lines).toEqual(["Invalid environment: SHOPIFY_API_SECRET is required"]);
  });
});
