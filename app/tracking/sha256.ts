/** A SHA-256 → lowercase hex function. The default is WebCrypto; a server may pass a faster synchronous one. */
export type Sha256 = (text: string) => string | Promise<string>;

// WebCrypto is available in Node 22 and in the Web Pixel's worker, so one implementation serves both.
export async function sha256Hex(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  let hex = "";
  for (const byte of new Uint8Array(digest)) hex += byte.toString(16).padStart(2, "0");
  return hex;
}
