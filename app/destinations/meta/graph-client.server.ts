import { createMetaAccessCheck } from "./check-access.server";
import { interpretResponse, networkFailure } from "./graph-response";
import type { MetaGraphClient, MetaSendInput, MetaSendResult } from "./types";

export type MetaGraphClientOptions = {
  baseUrl: string;
  version: string;
  timeoutMs?: number;
  partnerAgent?: string;
  fetchImpl?: typeof fetch;
};

// Node's global fetch (undici) keeps connections alive by default, which matters when a backlog drains as
// many back-to-back batches to the same host.
export function createMetaGraphClient(options: MetaGraphClientOptions): MetaGraphClient {
  const { baseUrl, version, timeoutMs = 10_000, partnerAgent = "tandem" } = options;
  const doFetch = options.fetchImpl ?? fetch;
  const root = baseUrl.replace(/\/+$/, "");

  async function sendEvents(input: MetaSendInput): Promise<MetaSendResult> {
    const url = `${root}/${encodeURIComponent(version)}/${encodeURIComponent(input.pixelId)}/events`;
    // The token travels in the body, never the URL: URLs end up in proxy and access logs.
    const body: Record<string, unknown> = {
      data: input.events,
      access_token: input.accessToken,
      partner_agent: partnerAgent,
    };
    if (input.testEventCode) body.test_event_code = input.testEventCode;

    let response: Response;
    try {
      response = await doFetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      return networkFailure(describeFetchError(error, timeoutMs));
    }

    let parsed: unknown = null;
    try {
      parsed = await response.json();
    } catch (error) {
      // A body that stops mid-way or is not JSON: keep the status, let the classifier decide.
      if (isAbort(error)) return networkFailure(`timed out after ${timeoutMs} ms reading Meta's response`);
      parsed = null;
    }
    return interpretResponse(response.status, parsed, response.headers.get("x-fb-trace-id"));
  }

  return { sendEvents, checkAccess: createMetaAccessCheck({ baseUrl, version, timeoutMs, fetchImpl: options.fetchImpl }) };
}

function isAbort(error: unknown): boolean {
  return error instanceof DOMException && (error.name === "TimeoutError" || error.name === "AbortError");
}

// Only the error's kind and code are reported: the request (and so the token) never goes into a message.
function describeFetchError(error: unknown, timeoutMs: number): string {
  if (isAbort(error)) return `timed out after ${timeoutMs} ms`;
  if (error instanceof Error) {
    const cause = error.cause;
    const code = typeof cause === "object" && cause !== null && "code" in cause ? String(cause.code) : null;
    return code ? `network error: ${code}` : `network error: ${error.message}`;
  }
  return "network error";
}
