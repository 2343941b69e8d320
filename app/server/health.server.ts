import { sql } from "kysely";
import type { AppContext } from "../context.server";

export type HealthReport = { ok: boolean; database: "ok" | string; queue: "ok" | string; worker?: "ok" | string };

type Checked = Pick<AppContext, "database" | "queue"> & { worker?: { health?(): string | null } };

export async function checkHealth(context: Checked): Promise<HealthReport> {
  let database = "ok";
  try {
    await sql`select 1`.execute(context.database.db);
  } catch (error) {
    database = error instanceof Error ? error.message : "unreachable";
  }
  let queue = "ok";
  try {
    await context.queue.ping?.();
  } catch (error) {
    queue = error instanceof Error ? error.message : "unreachable";
  }
  // Only a worker that can fail apart from the process reports here (the embedded delivery thread); a worker
  // on the process's own event loop is as healthy as the process answering this request.
  const worker = context.worker?.health?.() ?? null;
  const report: HealthReport = { ok: database === "ok" && queue === "ok" && (worker === null || worker === "ok"), database, queue };
  if (worker !== null) report.worker = worker;
  return report;
}
