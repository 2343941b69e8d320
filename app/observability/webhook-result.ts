// The `result` label for a webhook the edge refused: the HTTP status says why (401 forged or missing HMAC,
// 405 not POST, 413 too large, 415 wrong content type, 400 malformed or wrong topic).
export function webhookRejectionResult(status: number): string {
  return status === 401 ? "unauthorized" : `rejected_${status}`;
}
