import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseEnv } from "../../app/env.server";
import { createAppContext, setAppContext, type AppContext, type AppContextOptions } from "../../app/context.server";

export const TEST_SECRET = "test-api-secret";

/**
 * The real app context on a fresh SQLite file (or the given database URL), installed as the process-wide
 * context the routes use. The worker does not start unless asked: tests drive it explicitly.
 */
export async function openTestApp(
  overrides: Record<string, string> = {},
  options: AppContextOptions = {},
): Promise<{ context: AppContext; cleanup: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), "tandem-app-"));
  const config = parseEnv({
    ...process.env,
    DATABASE_URL: `file:${join(dir, "tandem.sqlite")}`,
    WORKER: "off",
    ...overrides,
  });
  const context = await createAppContext(config, { startWorker: false, ...options });
  setAppContext(context);
  return {
    context,
    async cleanup() {
      setAppContext(undefined);
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
