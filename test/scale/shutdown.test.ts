import { afterEach, describe, expect, it } from "vitest";
import { installGracefulShutdown } from "../../app/delivery/shutdown.server";
import { sleep } from "../support/wait";

// The signal handling `npm run worker` installs. A real SIGTERM to a worker process is covered in
// test/faults/worker-kill.test.ts; here the edge cases, with a signal the test runner does not use.
const SIGNAL = "SIGUSR2" as const;
let uninstall: (() => void) | undefined;
afterEach(() => {
  uninstall?.();
  uninstall = undefined;
});

function raise(): void {
  process.emit(SIGNAL, SIGNAL);
}

describe("installGracefulShutdown", () => {
  it("waits for stop() and exits 0; a second signal while stopping starts nothing new", async () => {
    const exits: number[] = [];
    let stops = 0;
    uninstall = installGracefulShutdown({
      signals: [SIGNAL],
      exit: (code) => void exits.push(code),
      stop: async () => {
        stops += 1;
        await sleep(100);
      },
    });
    raise();
    raise();
    expect(exits).toEqual([]);
    await sleep(200);
    expect(stops).toBe(1);
    expect(exits).toEqual([0]);
  });

  it("exits 1 when stop() fails, and when it outlasts the deadline", async () => {
    const exits: number[] = [];
    uninstall = installGracefulShutdown({
      signals: [SIGNAL],
      exit: (code) => void exits.push(code),
      stop: () => Promise.reject(new Error("database gone")),
    });
    raise();
    await sleep(20);
    expect(exits).toEqual([1]);
    uninstall();

    const hung: number[] = [];
    uninstall = installGracefulShutdown({
      signals: [SIGNAL],
      deadlineMs: 50,
      exit: (code) => void hung.push(code),
      stop: () => new Promise(() => {}),
    });
    raise();
    await sleep(120);
    expect(hung).toEqual([1]);
  });
});
