// Group commit for webhook ingestion. Each webhook still waits for ITS rows to be durable before it is
// answered, but the webhooks that arrive together share one transaction: the first write of an idle
// process goes out on the next turn of the event loop (well under a millisecond of added latency); while a
// commit is in progress the next arrivals queue up and go together in the one after it. Under a burst the
// batch grows by itself, so the cost per webhook falls as the load rises — the opposite of a queue
// building up in front of one commit per request.

export type BatchWriter<Item, Result> = (items: readonly Item[]) => Promise<Result[]>;

export type Batcher<Item, Result> = {
  submit(item: Item): Promise<Result>;
  /** Resolves once everything submitted so far has been written (or has failed). */
  drain(): Promise<void>;
};

type Waiting<Item, Result> = { item: Item; resolve(result: Result): void; reject(error: unknown): void };

export function createBatcher<Item, Result>(write: BatchWriter<Item, Result>, maxBatch = 256): Batcher<Item, Result> {
  if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new RangeError(`maxBatch must be a positive integer, got ${maxBatch}`);
  let waiting: Waiting<Item, Result>[] = [];
  let scheduled = false;
  let running: Promise<void> | null = null;

  function schedule(): void {
    if (scheduled || running) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      running = flush().finally(() => {
        running = null;
        if (waiting.length > 0) schedule();
      });
    });
  }

  async function flush(): Promise<void> {
    const batch = waiting.slice(0, maxBatch);
    waiting = waiting.slice(batch.length);
    let results: Result[];
    try {
      results = await write(batch.map((entry) => entry.item));
    } catch (error) {
      if (batch.length === 1) return batch[0]?.reject(error);
      // One bad write must not fail its neighbours: the batch rolled back, so retry each alone and only the
      // culprit sees the error.
      for (const entry of batch) {
        try {
          settle([entry], await write([entry.item]));
        } catch (single) {
          entry.reject(single);
        }
      }
      return;
    }
    settle(batch, results);
  }

  /** Results map to submitters by position; a writer that breaks that contract fails everyone, loudly. */
  function settle(batch: Waiting<Item, Result>[], results: Result[]): void {
    if (results.length !== batch.length) {
      const error = new Error(`batch writer returned ${results.length} results for ${batch.length} items`);
      return batch.forEach((entry) => entry.reject(error));
    }
    batch.forEach((entry, index) => entry.resolve(results[index] as Result));
  }

  return {
    submit(item) {
      return new Promise<Result>((resolve, reject) => {
        waiting.push({ item, resolve, reject });
        schedule();
      });
    },
    async drain() {
      while (running || scheduled || waiting.length > 0) {
        await (running ?? new Promise((resolve) => setImmediate(resolve)));
      }
    },
  };
}
