import { createEmbeddedQueue } from "../../app/delivery/queue";
import { runQueueContract } from "./queue-contract";

// Embedded mode: the queue wakes the in-process worker's loop.
runQueueContract("embedded (SQLite)", {
  engine: "sqlite",
  async open(worker) {
    worker.start();
    return { queue: createEmbeddedQueue(worker), stop: () => worker.stop() };
  },
});
