import type { Migration, MigrationProvider } from "kysely";
import type { Engine } from "../engine";
import { initialMigration } from "./0001-initial";
import { shopStatusIndexMigration } from "./0002-deliveries-shop-status-index";
import { shopDueIndexMigration } from "./0003-deliveries-shop-due-index";
import { orderEventsMigration } from "./0004-order-events";
import { destinationPausesMigration } from "./0005-destination-pauses";
import { maintenanceAndPrivacyMigration } from "./0006-maintenance-and-privacy";
import { alertLogMigration } from "./0007-alert-log";
import { orderAdjustmentsMigration } from "./0009-order-adjustments";
import { deliverySendingMarkerMigration } from "./0010-delivery-sending-marker";
import { collectorMigration } from "./0011-collector";
import { browserMatchMigration } from "./0012-browser-match";
import { funnelBacklogMigration } from "./0013-funnel-backlog";
import { orderRowsIndexMigration } from "./0014-deliveries-order-rows-index";
import { funnelEventsMigration } from "./0015-funnel-events";

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
        "0015-funnel-events": funnelEventsMigration(engine),
      };
    },
  };
}
