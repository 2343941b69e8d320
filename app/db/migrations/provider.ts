import type { Migration, MigrationProvider } from "kysely";
import type { Engine } from "../engine.ts";
import { initialMigration } from "./0001-initial.ts";
import { shopStatusIndexMigration } from "./0002-deliveries-shop-status-index.ts";
import { shopDueIndexMigration } from "./0003-deliveries-shop-due-index.ts";
import { orderEventsMigration } from "./0004-order-events.ts";
import { destinationPausesMigration } from "./0005-destination-pauses.ts";
import { maintenanceAndPrivacyMigration } from "./0006-maintenance-and-privacy.ts";
import { alertLogMigration } from "./0007-alert-log.ts";
import { orderAdjustmentsMigration } from "./0009-order-adjustments.ts";
import { deliverySendingMarkerMigration } from "./0010-delivery-sending-marker.ts";
import { collectorMigration } from "./0011-collector.ts";
import { browserMatchMigration } from "./0012-browser-match.ts";
import { funnelBacklogMigration } from "./0013-funnel-backlog.ts";
import { orderRowsIndexMigration } from "./0014-deliveries-order-rows-index.ts";

// In-code provider: migrations ship inside the bundle, so nothing reads a folder at run time.
// Names sort lexically; add new files as 0002-..., 0003-... and list them here.
export function createMigrationProvider(engine: Engine): MigrationProvider {
  return {
    async getMigrations(): Promise<Record<string, Migration>> {
      return {
        "0001-initial": initialMigration(engine),
        "0002-deliveries-shop-status-index": shopStatusIndexMigration(),
        "0003-deliveries-shop-due-index": shopDueIndexMigration(),
        "0004-order-events": orderEventsMigration(),
        "0005-destination-pauses": destinationPausesMigration(),
        "0006-maintenance-and-privacy": maintenanceAndPrivacyMigration(engine),
        "0007-alert-log": alertLogMigration(),
        "0009-order-adjustments": orderAdjustmentsMigration(engine),
        "0010-delivery-sending-marker": deliverySendingMarkerMigration(),
        "0011-collector": collectorMigration(),
        "0012-browser-match": browserMatchMigration(),
        "0013-funnel-backlog": funnelBacklogMigration(),
        "0014-deliveries-order-rows-index": orderRowsIndexMigration(),
      };
    },
  };
}
