import { randomBytes } from "node:crypto";
import { Queue } from "bullmq";

// Each test gets its own BullMQ queue name and key prefix on the machine's Redis, so parallel test files
// never see each other's jobs; drop() removes every key the test created.
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

export type BullmqNamespace = { name: string; prefix: string; drop(): Promise<void> };

export function bullmqNamespace(): BullmqNamespace {
  const id = randomBytes(5).toString("hex");
  const name = `deliveries-${id}`;
  const prefix = `tandem-test-${id}`;
  return {
    name,
    prefix,
    async drop() {
      const queue = new Queue(name, { connection: { url: TEST_REDIS_URL }, prefix });
      try {
        await queue.obliterate({ force: true });
      } finally {
        await queue.close();
      }
    },
  };
}
