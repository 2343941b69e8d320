// IPC between the bench and the app process it runs (scripts/bench/app-process.ts).

export type AppCommand =
  | { id: number; type: "configure"; shops: ReadonlyArray<{ shop: string; pixelId: string; token: string }> }
  | { id: number; type: "counts" }
  | { id: number; type: "pause-worker" }
  | { id: number; type: "resume-worker" }
  | { id: number; type: "rss" }
  | { id: number; type: "cpu" }
  | { id: number; type: "memory" }
  | { id: number; type: "loop-delay" }
  | { id: number; type: "collector-answers" };

export type AppReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

export type AppReady = { type: "ready"; port: number; baselinePort: number; collectBaselinePort: number };
