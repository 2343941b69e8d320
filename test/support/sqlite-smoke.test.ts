import { describe, expect, it } from "vitest";
import { DatabaseSync } from "node:sqlite";

describe("runtime", () => {
  it("runs on Node 22 with node:sqlite available", () => {
    expect(Number(process.versions.node.split(".")[0])).toBeGreaterThanOrEqual(22);
    const db = new DatabaseSync(":memory:");
    expect(db.prepare("select 1 + 1 as two").get()).toEqual({ two: 2 });
  });
});
