import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

// Tests run on the project's pinned Node 22 (npm puts node_modules/.bin first on PATH).
export default defineConfig({
  resolve: { alias: { "~": fileURLToPath(new URL("./app", import.meta.url)) } },
  test: {
    include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    setupFiles: ["test/support/setup.ts"],
    env: {
      NODE_ENV: "test",
      SHOPIFY_API_KEY: "test-api-key",
      SHOPIFY_API_SECRET: "test-api-secret",
      SHOPIFY_APP_URL: "http://localhost:3000",
      TOKEN_ENCRYPTION_KEY: "dGFuZGVtLXRlc3Qta2V5LXRoaXJ0eS10d28tYnl0ZXM=",
      LOG_LEVEL: "silent",
    },
  },
});
