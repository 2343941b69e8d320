// The `result` label for a webhook the edge refused: the HTTP status says why (401 forged or missing HMAC,
// 413 too large, 415 wrong content type, 400 malformed or wrong topic).
export function webhookRejectionResult(error: unknown): string {
  if (error instanceof Response) return error.status === 401 ? "unauthorized" : `rejected_${error.status}`;
  return "error";
}
