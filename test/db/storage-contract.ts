import { beforeEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../app/db/connection.server";
import { outboxContract } from "./outbox-contract";
import { sessionStorageContract } from "./session-storage-contract";
import { shopsContract } from "./shops-contract";
import { truncateAll, type TestDatabase } from "./support";
import { suiteDatabase } from "./suite-database";

/**
 * The one storage contract every engine must pass. `open` gives a fresh migrated database for the file;
 * tables are emptied before each test.
 */
export function runStorageContract(name: string, open: () => Promise<TestDatabase>): void {
  describe(`storage contract: ${name}`, () => {
    const get = suiteDatabase(open);
    beforeEach(async () => {
      await truncateAll(get().database);
    });

    it("reopens an already migrated database without error", async () => {
      const again = await openDatabase(get().url);
      await again.close();
      expect(get().database.engine).toBe(name);
    });

    sessionStorageContract(get);
    shopsContract(get);
    outboxContract(get);
  });
}
