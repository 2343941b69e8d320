import { SILENT_LOGGER, type DeliveryLogger } from "./ports";
import { errorMessage } from "../lib/error-message";

// SIGTERM (deploys, autoscalers) and SIGINT (Ctrl-C): stop claiming, let in-flight sends finish and be
// recorded, then exit 0. A stop that hangs past the deadline exits 1; leases make its rows come back.

export type ShutdownOptions = {
  stop: () => Promise<void>;
  logger?: DeliveryLogger;
  signals?: readonly NodeJS.Signals[];
  deadlineMs?: number;
  exit?: (code: number) => void;
};

export const DEFAULT_SHUTDOWN_DEADLINE_MS = 30_000;

/** Installs the handlers; returns a function that removes them. */
export function installGracefulShutdown(options: ShutdownOptions): () => void {
  const logger = options.logger ?? SILENT_LOGGER;
  const signals = options.signals ?? ["SIGTERM", "SIGINT"];
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping = false;

  function onSignal(signal: NodeJS.Signals): void {
    // A second signal while stopping changes nothing: in-flight sends still deserve their answer.
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down: finishing in-flight deliveries");
    const deadline = setTimeout(() => {
      logger.error({ deadlineMs: options.deadlineMs ?? DEFAULT_SHUTDOWN_DEADLINE_MS }, "shutdown deadline passed");
      exit(1);
    }, options.deadlineMs ?? DEFAULT_SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    options.stop().then(
      () => {
        clearTimeout(deadline);
        logger.info({}, "stopped cleanly");
        exit(0);
      },
      (error: unknown) => {
        clearTimeout(deadline);
        logger.error({ err: errorMessage(error) }, "shutdown failed");
        exit(1);
      },
    );
  }

  for (const signal of signals) process.on(signal, onSignal);
  return () => {
    for (const signal of signals) process.off(signal, onSignal);
  };
}
