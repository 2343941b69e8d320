// What one pass of the worker did; the loop uses `claimed` to decide whether to sleep, tests and metrics
// use the rest.
export type RunSummary = {
  claimed: number;
  sent: number;
  retried: number;
  dead: number;
  needsAttention: number;
  released: number;
  requests: number;
  errors: number;
  /** Rows sent again after a request whose answer was lost (decision 0025). */
  resent: number;
  /** Results dropped because the lease ran out and the rows were another worker's, or finished (decision 0036). */
  stale: number;
};

export function emptySummary(): RunSummary {
  return { claimed: 0, sent: 0, retried: 0, dead: 0, needsAttention: 0, released: 0, requests: 0, errors: 0, resent: 0, stale: 0 };
}
