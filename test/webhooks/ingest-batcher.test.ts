import { describe, expect, it } from "vitest";
import { createBatcher } from "../../app/webhooks/ingest-batcher.server";

type Gate = { promise: Promise<void>; open(): void };

function gate(): Gate {
  let open = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** A writer that records every call; `work` decides what each call returns (or throws). */
function recordingWriter<Item, Result>(work: (items: readonly Item[]) => Result[] | Promise<Result[]>) {
  const calls: Item[][] = [];
  async function write(items: readonly Item[]): Promise<Result[]> {
    calls.push([...items]);
    return work(items);
  }
  return { calls, write };
}

/** Lets the event loop run: the batcher flushes on setImmediate. */
async function turns(count = 5): Promise<void> {
  for (let index = 0; index < count; index += 1) await new Promise((resolve) => setImmediate(resolve));
}

async function until(condition: () => boolean): Promise<void> {
  for (let index = 0; index < 1_000 && !condition(); index += 1) await turns(1);
  if (!condition()) throw new Error("condition not reached");
}

describe("createBatcher", () => {
  it("writes everything submitted in one tick in ONE call, and gives each submitter its own result", async () => {
    const writer = recordingWriter((items: readonly string[]) => items.map((item) => `stored:${item}`));
    const batcher = createBatcher(writer.write);

    const results = await Promise.all(["a", "b", "c", "d"].map((item) => batcher.submit(item)));

    expect(writer.calls).toEqual([["a", "b", "c", "d"]]);
    expect(results).toEqual(["stored:a", "stored:b", "stored:c", "stored:d"]);
  });

  it("maps results by position even when items are equal or results repeat", async () => {
    const writer = recordingWriter((items: readonly { id: number }[]) => items.map((item, index) => index === 0 || item.id !== 1));
    const batcher = createBatcher(writer.write);

    const results = await Promise.all([{ id: 1 }, { id: 2 }, { id: 1 }].map((item) => batcher.submit(item)));

    expect(writer.calls).toHaveLength(1);
    expect(results).toEqual([true, true, false]);
  });

  it("holds submits that arrive while a write is in flight and sends them together in the next call", async () => {
    const firstWrite = gate();
    const writer = recordingWriter(async (items: readonly string[]) => {
      if (items.includes("first")) await firstWrite.promise;
      return items.map((item) => item.toUpperCase());
    });
    const batcher = createBatcher(writer.write);

    // GIVEN one write in flight
    const first = batcher.submit("first");
    await until(() => writer.calls.length === 1);
    // WHEN more items arrive over several ticks
    const later = [batcher.submit("b")];
    await turns();
    later.push(batcher.submit("c"));
    await turns();
    later.push(batcher.submit("d"));
    await turns();
    // THEN they wait for it, and then go out together
    expect(writer.calls).toEqual([["first"]]);
    firstWrite.open();
    await expect(first).resolves.toBe("FIRST");
    await expect(Promise.all(later)).resolves.toEqual(["B", "C", "D"]);
    expect(writer.calls).toEqual([["first"], ["b", "c", "d"]]);
  });

  it("never passes more than maxBatch items to one call, and keeps their order", async () => {
    const writer = recordingWriter((items: readonly number[]) => items.map((item) => item * 10));
    const batcher = createBatcher(writer.write, 3);

    const results = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((item) => batcher.submit(item)));

    expect(writer.calls).toEqual([[1, 2, 3], [4, 5, 6], [7, 8]]);
    expect(results).toEqual([10, 20, 30, 40, 50, 60, 70, 80]);
  });

  it("fails only the submitter whose item makes the batch fail; its neighbours are written", async () => {
    const writer = recordingWriter((items: readonly string[]) => {
      if (items.includes("poison")) throw new Error("poisoned batch");
      return items.map((item) => `stored:${item}`);
    });
    const batcher = createBatcher(writer.write);

    const [a, poison, b] = await Promise.allSettled(["a", "poison", "b"].map((item) => batcher.submit(item)));

    expect(a).toEqual({ status: "fulfilled", value: "stored:a" });
    expect(b).toEqual({ status: "fulfilled", value: "stored:b" });
    expect(poison).toMatchObject({ status: "rejected", reason: new Error("poisoned batch") });
    // The failed batch is retried one item at a time.
    expect(writer.calls).toEqual([["a", "poison", "b"], ["a"], ["poison"], ["b"]]);
    // And the batcher goes on working afterwards.
    await expect(batcher.submit("c")).resolves.toBe("stored:c");
  });

  it("rejects a lone submitter whose write fails, without retrying it", async () => {
    const writer = recordingWriter((): string[] => {
      throw new Error("database is down");
    });
    const batcher = createBatcher(writer.write);

    await expect(batcher.submit("only")).rejects.toThrow("database is down");
    expect(writer.calls).toEqual([["only"]]);
  });

  it.each([
    ["one result too few", (items: readonly string[]) => items.slice(1).map((item) => `stored:${item}`)],
    ["one result too many", (items: readonly string[]) => [...items.map((item) => `stored:${item}`), "extra"]],
  ])("rejects every submitter rather than mis-resolving when the writer returns %s", async (_case, work) => {
    const writer = recordingWriter(work);
    const batcher = createBatcher(writer.write);

    const settled = await Promise.allSettled(["a", "b", "c"].map((item) => batcher.submit(item)));

    for (const outcome of settled) {
      expect(outcome.status).toBe("rejected");
      expect(outcome.status === "rejected" ? String(outcome.reason) : "").toMatch(/batch writer returned \d+ results for 3 items/);
    }
    // The batch may have been committed: it is not written again item by item.
    expect(writer.calls).toHaveLength(1);
  });

  it("drain() waits for queued and in-flight writes, failed ones included", async () => {
    const release = gate();
    const writer = recordingWriter(async (items: readonly string[]) => {
      await release.promise;
      if (items.includes("poison")) throw new Error("poisoned batch");
      return items.map((item) => `stored:${item}`);
    });
    const batcher = createBatcher(writer.write, 2);
    const settled: string[] = [];
    const submits = ["a", "b", "poison", "c", "d"].map((item) =>
      batcher.submit(item).then(
        () => settled.push(item),
        () => settled.push(`${item} failed`),
      ),
    );

    // GIVEN a write in flight and more items queued behind it
    await until(() => writer.calls.length === 1);
    let drained = false;
    const draining = batcher.drain().then(() => {
      drained = true;
    });
    await turns();
    expect(drained).toBe(false);
    // WHEN the writes can complete
    release.open();
    await draining;
    // THEN every submit had settled by the time drain() resolved
    expect([...settled].sort()).toEqual(["a", "b", "c", "d", "poison failed"]);
    expect(writer.calls.filter((call) => call.length > 1).flat()).toEqual(["a", "b", "poison", "c"]);
    await Promise.all(submits);
  });

  it("drain() on an idle batcher resolves at once", async () => {
    const writer = recordingWriter((items: readonly string[]) => [...items]);
    const batcher = createBatcher(writer.write);

    await batcher.drain();

    expect(writer.calls).toEqual([]);
  });
});
