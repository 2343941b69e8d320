import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../app/db/connection.server";
import { outboxContract } from "./outbox-contract";
import { sessionStorageContract } from "./session-storage-contract";
import { shopsContract } from "./shops-contract";
import { truncateAll, type TestDatabase } from "./support";

/**
 * The one storage contract every engine must pass. `open` gives a fresh migrated database for the file;
 * tables are emptied before each test.
 */
export function runStorageContract(name: string, open: () => Promise<TestDatabase>): void {
  describe(`storage contract: ${name}`, () => {
    let current: TestDatabase | undefined;
    function get(): TestDatabase {
      if (current === undefined) throw new Error("test database not opened");
      return current;
    }
    beforeAll(async () => {
      current = await open();
    });
    afterAll(async () => {
      await current?.cleanup();
    });
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
