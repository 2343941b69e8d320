// One spelling per shop. Shopify names a shop `<name>.myshopify.com` in lower case, but nothing stops a
// client (or a hand-typed `--shop`) from sending `My-Shop.MyShopify.com`; stored as given, one shop would
// become two (two configurations, two sets of deliveries). Every edge that takes a shop domain — webhook
// headers, the admin session, the operator CLI — passes it through here before it is used.

const MYSHOPIFY_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

/** The shop's canonical domain (trimmed, lower case), or null when it is not a `<name>.myshopify.com` domain. */
export function normalizeShopDomain(input: string | null | undefined): string | null {
  if (typeof input !== "string") return null;
  const candidate = input.trim().toLowerCase();
  // A shop name is at most 60-odd characters; the bound keeps the regular expression's work small.
  if (candidate.length > 255 || !MYSHOPIFY_DOMAIN.test(candidate)) return null;
  return candidate;
}
