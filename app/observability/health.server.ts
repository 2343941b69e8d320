import type { Services } from "../services";
import type { Logger } from "../logger.server";
import { pingDatabase } from "../db/connection.server";
import { errorMessage } from "../lib/error-message";

// /healthz answers anyone, so it says WHAT is down in generic words and never why: a database error's text
// names hosts, users and file paths. The detail goes to the log (docs/decisions/0019) — once per component
// and detail a minute, so polling a broken app cannot flood the log either.

export const UNAVAILABLE = "unavailable";

export type HealthReport = { ok: boolean; database: "ok" | typeof UNAVAILABLE; queue: "ok" | typeof UNAVAILABLE; worker?: "ok" | typeof UNAVAILABLE };

type Checked = Pick<Services, "database" | "queue"> & { worker?: { health?(): string | null }; logger?: Logger };

const LOG_EVERY_MS = 60_000;
const lastLogged = new Map<string, { detail: string; atMs: number }>();

function logDetail(logger: Logger | undefined, component: string, detail: string): void {
  if (!logger) return;
  const now = Date.now();
  const last = lastLogged.get(component);
  if (last && last.detail === detail && now - last.atMs < LOG_EVERY_MS) return;
  lastLogged.set(component, { detail, atMs: now });
  logger.warn({ component, detail }, `health: ${component} ${UNAVAILABLE}`);
}

export async function checkHealth(context: Checked): Promise<HealthReport> {
  let database: HealthReport["database"] = "ok";
  try {
    await pingDatabase(context.database);
  } catch (error) {
    database = UNAVAILABLE;
    logDetail(context.logger, "database", errorMessage(error));
  }
  let queue: HealthReport["queue"] = "ok";
  try {
    await context.queue.ping?.();
  } catch (error) {
    queue = UNAVAILABLE;
    logDetail(context.logger, "queue", errorMessage(error));
  }
  // Only a worker that can fail apart from the process reports here (the embedded delivery thread); a worker
  // on the process's own event loop is as healthy as the process answering this request.
  const workerState = context.worker?.health?.() ?? null;
  const report: HealthReport = { ok: database === "ok" && queue === "ok" && (workerState === null || workerState === "ok"), database, queue };
  if (workerState !== null) {
    report.worker = workerState === "ok" ? "ok" : UNAVAILABLE;
    if (workerState !== "ok") logDetail(context.logger, "delivery thread", workerState);
  }
  return report;
}
