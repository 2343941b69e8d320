import { graphErrorBody, makeFbtraceId, type GraphErrorSpec } from "./graph-error";
import { checkAccess, type PixelRecord } from "./meta-token-check";

// GET /{version}/{pixel}?fields=id — reading the pixel (dataset) object, which is how a client checks that a
// token reaches a pixel without sending an event. The Graph API takes the token from the query string or
// from an `Authorization: Bearer` (or `OAuth`) header, validates it before loading the object, and answers an
// object it cannot load with 100/33 "Unsupported get request".

export type ObjectReadLog = { pixelId: string; atMs: number; status: number; error: GraphErrorSpec | null };

export type ObjectReadOutcome = { status: number; headers: Record<string, string>; body: string };

export function tokenFromRequest(authorization: string | undefined, query: URLSearchParams): string | undefined {
  const header = /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(authorization ?? "");
  return header?.[1] ?? query.get("access_token") ?? undefined;
}

export function handleObjectRead(
  state: { pixels: ReadonlyMap<string, PixelRecord>; reads: ObjectReadLog[] },
  input: { pixelId: string; token: string | undefined; nowMs: number },
): ObjectReadOutcome {
  const log: ObjectReadLog = { pixelId: input.pixelId, atMs: input.nowMs, status: 200, error: null };
  state.reads.push(log);
  const problem = checkAccess(state.pixels, input.pixelId, input.token);
  if (problem !== null) {
    const spec = problem.error_subcode === 33 ? { ...problem, message: problem.message.replace("Unsupported post", "Unsupported get") } : problem;
    log.status = 400;
    log.error = spec;
    const body = graphErrorBody(spec);
    return { status: 400, headers: { "content-type": "application/json", "x-fb-trace-id": body.error.fbtrace_id }, body: JSON.stringify(body) };
  }
  const traceId = makeFbtraceId();
  return { status: 200, headers: { "content-type": "application/json", "x-fb-trace-id": traceId }, body: JSON.stringify({ id: input.pixelId }) };
}
