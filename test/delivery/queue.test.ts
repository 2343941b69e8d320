import { describe, expect, it } from "vitest";
import { createEmbeddedQueue } from "../../app/delivery/queue";

describe("createEmbeddedQueue", () => {
  it("wakes the worker on notify until closed", async () => {
    let wakes = 0;
    const queue = createEmbeddedQueue({ wake: () => void (wakes += 1) });
    await queue.notify("shop.myshopify.com");
    await queue.notify("shop.myshopify.com");
    expect(wakes).toBe(2);
    await expect(queue.ping?.()).resolves.toBeUndefined();

    await queue.close();
    await queue.notify("shop.myshopify.com");
    expect(wakes).toBe(2);
    await expect(queue.ping?.()).rejects.toThrow(/closed/);
  });
});
