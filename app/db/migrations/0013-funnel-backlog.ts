import { sql, type Kysely, type Migration } from "kysely";
import { FUNNEL_ROW, FUNNEL_SENT, FUNNEL_UNSENT } from "../funnel-predicates";

// Funnel events (the collector's rows, decision 0030) need two questions answered cheaply, often, whatever the
// size of the outbox: "how many unsent funnel rows does this shop hold, and which are the oldest?" (the backlog
// cap) and "which funnel rows were sent before the cutoff?" (their short retention). Both indexes are partial:
// a Purchase row never enters them, an unsent funnel row is in the first only, a sent one in the second only,
// so a funnel row costs one index entry more while it lives and a Purchase row costs nothing.
// `status` is a column of the first as well, though its predicate fixes it to four values: SQLite counts only
// from an index that holds every column the query names, and an IN term (unlike an equality) is not taken as
// settled by the predicate, so without it each counted entry would read its row.
// The predicates are literals, written once (funnel-predicates.ts), because both engines use a partial index
// only for a query whose WHERE repeats its predicate: the queries in funnel-backlog.server.ts do.
export function funnelBacklogMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await sql`create index if not exists deliveries_funnel_unsent_idx on deliveries (shop, created_at, status) where ${FUNNEL_ROW} and ${FUNNEL_UNSENT}`.execute(db);
      await sql`create index if not exists deliveries_funnel_sent_idx on deliveries (sent_at) where ${FUNNEL_ROW} and ${FUNNEL_SENT}`.execute(db);
    },
    async down(db: Kysely<unknown>) {
      await sql`drop index if exists deliveries_funnel_sent_idx`.execute(db);
      await sql`drop index if exists deliveries_funnel_unsent_idx`.execute(db);
    },
  };
}
