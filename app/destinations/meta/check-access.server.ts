import { interpretResponse, networkFailure } from "./graph-response";
import type { MetaSendFailure } from "./types";

// One cheap Graph API read that tells whether a token can reach a pixel (dataset): GET /{pixel}?fields=id.
// Meta validates the token before it loads the object, so a refused token answers 190 (or another token
// code) and a token that cannot reach the pixel answers 100/33, as a send would. Nothing is written.

export type MetaAccessInput = { pixelId: string; accessToken: string };
export type MetaAccessResult = { ok: true } | MetaSendFailure;
export type MetaAccessCheck = (input: MetaAccessInput) => Promise<MetaAccessResult>;

export type MetaAccessCheckOptions = { baseUrl: string; version: string; timeoutMs?: number; fetchImpl?: typeof fetch };

export function createMetaAccessCheck(options: MetaAccessCheckOptions): MetaAccessCheck {
  const { baseUrl, version, timeoutMs = 10_000 } = options;
  const doFetch = options.fetchImpl ?? fetch;
  const root = baseUrl.replace(/\/+$/, "");
  return async function checkAccess(input) {
    const url = `${root}/${encodeURIComponent(version)}/${encodeURIComponent(input.pixelId)}?fields=id`;
    let response: Response;
    try {
      // The token goes in the Authorization header, never the URL (URLs end up in access logs).
      response = await doFetch(url, {
        headers: { authorization: `Bearer ${input.accessToken}`, accept: "application/json" },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const timedOut = error instanceof DOMException && (error.name === "TimeoutError" || error.name === "AbortError");
      return networkFailure(timedOut ? `timed out after ${timeoutMs} ms` : "network error");
    }
    const body: unknown = await response.json().catch(() => null);
    if (response.ok && typeof body === "object" && body !== null && "id" in body && String(body.id) === input.pixelId) {
      return { ok: true };
    }
    if (response.ok) return networkFailure(`unexpected ${response.status} response from Meta (no pixel id)`);
    return interpretResponse(response.status, body, response.headers.get("x-fb-trace-id"));
  };
}
