// What a pause means, in the merchant's words. The stored reason keeps Meta's code, message and fbtrace_id
// for support; the banner leads with one plain sentence and keeps the stored text behind "details".
// Pure: rendered on the server and in the browser.

const MISSING_TOKEN_PREFIX = "Meta access token missing";
const MISSING_PIXEL_PREFIX = "No Meta pixel configured";
const META_CODE = /Meta error (\d+)(?:\/(\d+))?/;

/** One sentence for the shop-wide (token) pause. */
export function plainShopPause(reason: string): string {
  if (reason.startsWith(MISSING_TOKEN_PREFIX)) return "No Conversions API access token is saved, so purchases cannot be sent.";
  if (reason.startsWith(MISSING_PIXEL_PREFIX)) return "No Meta pixel (dataset) ID is saved, so purchases cannot be sent.";
  const match = META_CODE.exec(reason);
  const code = match ? Number(match[1]) : null;
  const subcode = match?.[2] === undefined ? null : Number(match[2]);
  if (code === 190 && subcode === 463) return "Meta says the access token has expired, so purchases are not being sent.";
  if (code === 190) return "Meta no longer accepts the access token (it was revoked, replaced or mistyped), so purchases are not being sent.";
  if (code === 10 || code === 102 || (code !== null && code >= 200 && code < 300)) {
    return "Meta refused the access token: it lacks a permission Meta needs, so purchases are not being sent.";
  }
  if (code === 368) return "Meta has blocked sending for this business for now, so purchases are not being sent.";
  return "Meta refused the shop's configuration, so purchases are not being sent.";
}

/** One sentence for a single paused pixel. */
export function plainPixelPause(pixelId: string): string {
  return `Meta does not know pixel ${pixelId}, or the access token cannot reach it. Its purchases wait; the other pixels keep sending.`;
}

/** How a waiting row reads while its cause stands (Activity, CLI). */
export function waitingLabel(cause: { shopPaused: boolean; pixelId: string | null }): string {
  if (cause.shopPaused) return "waiting — shop paused";
  return cause.pixelId === null ? "waiting" : `waiting — pixel ${cause.pixelId} paused`;
}
