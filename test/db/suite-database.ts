import { afterAll, beforeAll } from "vitest";
import type { TestDatabase } from "./support";

/**
 * The engine's test database for one contract suite: opened before the suite's tests, cleaned up after them.
 * Call it inside the suite's describe; the getter throws if a test runs before the database was opened.
 */
export function suiteDatabase(open: () => Promise<TestDatabase>): () => TestDatabase {
  let current: TestDatabase | undefined;
  beforeAll(async () => {
    current = await open();
  });
  afterAll(async () => {
    await current?.cleanup();
  });
  return () => {
    if (current === undefined) throw new Error("test database not opened");
    return current;
  };
}
