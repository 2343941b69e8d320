// Whether the collector takes a request now (docs/decisions/0033). The collector shares the web process's event
// loop and database writer with Shopify's webhooks. A webhook not acknowledged within 5 s is a failed delivery
// (retried, and the subscription is removed after enough failures); a shopper's funnel event is best-effort (the
// browser already sent it to Meta). So while webhooks press, the collector gives way, and its own pending work
// is capped so a flood cannot pile up commits without bound. A shed request is answered at once, unwritten.

export const COLLECT_SHED_REASON = {
  webhookPressure: "webhook_pressure",
  collectorBusy: "collector_busy",
} as const;
export type CollectShedReason = (typeof COLLECT_SHED_REASON)[keyof typeof COLLECT_SHED_REASON];

/**
 * Requests admitted (body read, handed to the handler) and not yet answered, at most: the collector's budgeted
 * 5,000 events/s held for 50 ms (in flight = rate × time in the process), two and a half times its ack budget.
 * At most 2 MB of bodies (8 KB each) wait, where a stalled writer would otherwise gather thousands.
 */
export const DEFAULT_COLLECT_IN_FLIGHT = 256;

export type CollectSlot = { admitted: true; release(): void } | { admitted: false; reason: CollectShedReason };

export type CollectAdmission = {
  /** Before the body is read: a request that would be shed for webhooks costs no read, parse or write. */
  beforeBody(): CollectShedReason | null;
  /** With the body read: webhooks checked again, then a slot under the cap, to release once answered. */
  admit(): CollectSlot;
  inFlight(): number;
};

export type CollectAdmissionDeps = {
  /** True while webhooks in flight are at or over the threshold (app/webhooks/webhook-pressure.server.ts). */
  webhooksPressing(): boolean;
  maxInFlight: number;
  /** Counts every shed request (tandem_collector_requests_total{outcome="shed"}). */
  shed(reason: CollectShedReason): void;
};

export function createCollectAdmission(deps: CollectAdmissionDeps): CollectAdmission {
  let inFlight = 0;

  function refuse(reason: CollectShedReason): CollectShedReason {
    deps.shed(reason);
    return reason;
  }

  return {
    beforeBody() {
      return deps.webhooksPressing() ? refuse(COLLECT_SHED_REASON.webhookPressure) : null;
    },
    admit() {
      // Pressure can have begun while the body arrived: checked again before anything is parsed or written.
      if (deps.webhooksPressing())
        return {
          admitted: false,
          reason: refuse(COLLECT_SHED_REASON.webhookPressure),
        };
      if (inFlight >= deps.maxInFlight)
        return {
          admitted: false,
          reason: refuse(COLLECT_SHED_REASON.collectorBusy),
        };
      inFlight += 1;
      let released = false;
      return {
        admitted: true,
        release() {
          if (released) return;
          released = true;
          inFlight -= 1;
        },
      };
    },
    inFlight: () => inFlight,
  };
}
