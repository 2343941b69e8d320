import { sql, type Kysely, type Migration } from "kysely";
import { ORDER_ROW } from "../funnel-predicates";

// Activity opens on a shop's Purchases (decision 0031), newest first, keyset-paged. Since the collector, most of a
// shop's recent rows are funnel events (tens per order), so walking (shop, created_at) and skipping them would read
// every funnel row of the last day before the first Purchase of a page. This index holds only order rows, in the
// page's order, so the default page reads what it shows. Partial: a funnel row never enters it (its insert costs
// nothing more); a Purchase row costs one more index entry. The predicate is the literal the page's query repeats
// (funnel-predicates.ts): both engines use a partial index only then.
export function orderRowsIndexMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await sql`create index if not exists deliveries_shop_orders_created_idx on deliveries (shop, created_at) where ${ORDER_ROW}`.execute(db);
    },
    async down(db: Kysely<unknown>) {
      await sql`drop index if exists deliveries_shop_orders_created_idx`.execute(db);
    },
  };
}
