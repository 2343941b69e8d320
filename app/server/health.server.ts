import { sql } from "kysely";
import type { AppContext } from "../context.server";

export type HealthReport = { ok: boolean; database: "ok" | string; queue: "ok" | string };

export async function checkHealth(context: Pick<AppContext, "database" | "queue">): Promise<HealthReport> {
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
  return { ok: database === "ok" && queue === "ok", database, queue };
}
