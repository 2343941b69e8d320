import { tokenError, unsupportedPost, type GraphErrorSpec } from "./graph-error";

export type PixelRecord = { token: string; expired: boolean };

// Order follows the Graph API: the token is parsed and validated before the object it targets is loaded, and a
// valid token that cannot reach the pixel gets 100/33 (docs/meta-capi-facts.md, "Graph API errors and what they
// stop"; observed), not 190.
export function checkAccess(
  pixels: ReadonlyMap<string, PixelRecord>,
  pixelId: string,
  token: string | undefined,
): GraphErrorSpec | null {
  if (token === undefined) return tokenError(undefined, "An active access token must be used to query this resource.");
  const target = pixels.get(pixelId);
  if (target !== undefined && target.token === token) {
    return target.expired ? expiredToken() : null;
  }
  const owners = [...pixels.values()].filter((pixel) => pixel.token === token);
  if (owners.length === 0) {
    return tokenError(467, "Error validating access token: The access token is invalid.");
  }
  if (owners.every((pixel) => pixel.expired)) return expiredToken();
  return unsupportedPost(pixelId);
}

function expiredToken(): GraphErrorSpec {
  return tokenError(463, "Error validating access token: Session has expired.");
}
