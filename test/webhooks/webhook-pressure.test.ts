import { describe, expect, it } from "vitest";
import { BUSY_WITH_WEBHOOKS, busyWithWebhooks, countingWebhook, webhooksInFlight } from "../../app/webhooks/webhook-pressure.server";

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe("webhook pressure", () => {
  it("counts deliveries in flight, including ones that fail, and says busy at the threshold", async () => {
    const release = gate();
    const before = webhooksInFlight();
    const work = Array.from({ length: BUSY_WITH_WEBHOOKS }, (_, i) =>
      countingWebhook(async () => {
        await release.opened;
        if (i === 0) throw new Error("this delivery fails");
        return i;
      }),
    );

    expect(webhooksInFlight()).toBe(before + BUSY_WITH_WEBHOOKS);
    expect(busyWithWebhooks()).toBe(true);

    release.open();
    const settled = await Promise.allSettled(work);
    expect(settled.filter((outcome) => outcome.status === "rejected")).toHaveLength(1);
    expect(webhooksInFlight()).toBe(before);
    expect(busyWithWebhooks()).toBe(before >= BUSY_WITH_WEBHOOKS);
  });

  it("is not busy with fewer deliveries than the threshold", async () => {
    const release = gate();
    const work = Array.from({ length: BUSY_WITH_WEBHOOKS - 1 }, () => countingWebhook(() => release.opened));
    expect(busyWithWebhooks()).toBe(false);
    release.open();
    await Promise.all(work);
  });
});
