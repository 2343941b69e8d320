import { afterEach, describe, expect, it } from "vitest";
import { sleep, waitFor } from "../support/wait";
import { MODES, SHOP, startFaultApp, type FaultApp } from "./fault-app";
import { spawnWorker, type WorkerProcess } from "./worker-process";

// Worker processes (`npm run worker`) killed or stopped in the middle of a batch. Meta's answers are slowed
// down so the signal lands while a request is in flight.

// More than the batches a scale-mode worker can have in flight at once (3 × 40), so the re-send bound below can fail.
const EVENTS = 200;
const WORKER_ARGS = ["--lease-ms", "2000", "--poll-ms", "150", "--batch-size", "40"];

let app: FaultApp | undefined;
const children: WorkerProcess[] = [];
afterEach(async () => {
  for (const worker of children.splice(0)) {
    if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill("SIGKILL");
    await worker.exited;
  }
  await app?.close();
  app = undefined;
});

function start(args: string[] = WORKER_ARGS): WorkerProcess {
  if (!app) throw new Error("no app");
  const worker = spawnWorker(app, args);
  children.push(worker);
  return worker;
}

describe.each(MODES)("worker process faults (%s mode)", (mode) => {
  it("SIGKILL mid-batch: after a restart everything is delivered and Meta counts no event twice", async () => {
    app = await startFaultApp(mode);
    const { sim } = app;
    await app.ingest(0, EVENTS);
    sim.setLatency(400);

    // GIVEN a worker that has had one batch accepted and has the next in flight
    const first = start();
    await waitFor(() => sim.accepted.length >= 40, 20_000, "first batch accepted");
    // Requests started from now on stay in flight 1.5 s (under the 2 s lease), so the kill lands inside one
    // even on a loaded machine; a request that started earlier may already be answered when the kill comes.
    const slowFrom = Date.now();
    sim.setLatency(1500);
    await waitFor(async () => {
      const { rows } = await app!.web.outbox.list({ shop: SHOP, limit: EVENTS });
      return rows.some((row) => row.status !== "sent" && row.sendingStartedAt !== null && row.sendingStartedAt >= slowFrom);
    }, 20_000, "a request in flight");
    first.child.kill("SIGKILL");
    expect((await first.exited).signal).toBe("SIGKILL");
    expect((await app.statusCounts(SHOP)).sent ?? 0).toBeLessThan(EVENTS);

    // WHEN a new worker starts (it reclaims the dead worker's rows once their lease expires)
    sim.setLatency(0);
    const second = start([...WORKER_ARGS, "--metrics-port", "0"]);
    await waitFor(async () => (await app!.statusCounts(SHOP)).sent === EVENTS, 20_000, "all sent after restart");

    // THEN every event reached Meta and none is counted twice. A batch Meta accepted just before the kill,
    // but which the worker never recorded, is sent again: Meta drops that repeat (same event_id within 48 h).
    expect(await app.statusCounts(SHOP)).toEqual({ sent: EVENTS });
    expect(new Set(sim.accepted.map((item) => item.event.event_id)).size).toBe(EVENTS);
    expect(sim.doubleCounted()).toEqual([]);
    // At most the batches in flight at the kill: one per concurrent pass, as a pass claims one batch. The
    // worker loop runs one pass at a time; a scale-mode worker also runs one per BullMQ job slot (2).
    const resent = sim.duplicateDeliveries().length;
    expect(resent).toBeLessThanOrEqual(mode === "scale" ? 3 * 40 : 40);
    console.info(`[worker-kill ${mode}] events re-sent after SIGKILL (deduplicated by Meta): ${resent}`);

    // AND each re-sent row says so (resends = 1, with when), and the new worker counted them. A row can also
    // count one whose first request the kill stopped before Meta read it: no answer came back either way.
    const rows = (await app.web.outbox.list({ shop: SHOP, limit: EVENTS })).rows;
    const repeated = new Set(sim.duplicateDeliveries().map((entry) => entry.eventId));
    const counted = rows.filter((row) => row.resends > 0);
    expect(counted.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.resends).toBeLessThanOrEqual(1);
    for (const eventId of repeated) expect(counted.map((row) => row.eventId)).toContain(eventId);
    for (const row of counted) expect(row.resentAt).not.toBeNull();
    const { metricsPort } = await second.ready;
    const scrape = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(scrape).toMatch(new RegExp(`^tandem_delivery_resends_total ${counted.length}$`, "m"));
  });

  it("SIGTERM mid-batch: finishes and records the batch in flight, exits 0, and nothing is sent twice", async () => {
    app = await startFaultApp(mode);
    const { sim } = app;
    await app.ingest(0, 80);
    sim.setLatency(500);

    const first = start();
    await waitFor(async () => {
      const rows = await app!.web.outbox.list({ shop: SHOP, limit: 100 });
      return rows.rows.some((row) => row.leaseOwner !== null);
    }, 20_000, "a batch claimed");
    // GIVEN a request to Meta in flight WHEN the worker gets SIGTERM
    await sleep(150);
    first.child.kill("SIGTERM");
    const exit = await first.exited;
    // THEN it waited for Meta's answer, recorded it, and exited cleanly
    expect(exit).toEqual({ code: 0, signal: null });
    const afterStop = await app.statusCounts(SHOP);
    expect(afterStop.sent ?? 0).toBeGreaterThanOrEqual(40);
    expect(afterStop.sent).toBe(sim.accepted.length);

    sim.setLatency(0);
    start();
    await waitFor(async () => (await app!.statusCounts(SHOP)).sent === 80, 20_000, "rest sent after restart");
    expect(sim.duplicateDeliveries()).toEqual([]);
    // AND no row counts a re-send: every request's answer was recorded
    const rows = (await app.web.outbox.list({ shop: SHOP, limit: 100 })).rows;
    expect(rows.filter((row) => row.resends !== 0 || row.resentAt !== null)).toEqual([]);
  });
});
