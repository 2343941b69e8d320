// Browser-only. Inside the Shopify admin, App Bridge adds `Authorization: Bearer <session token>` to the app's
// own fetches (Remix data loads and form posts). When App Bridge's CDN script cannot load — locked-down
// networks, headless tests — the pages would lose their session on the first client-side navigation. This
// does the same with the id_token Shopify put in the document URL, and only when App Bridge is absent.

type ShopifyGlobal = { idToken?: () => Promise<string> };

let installed = false;

function sameOrigin(input: RequestInfo | URL): boolean {
  const raw = input instanceof Request ? input.url : String(input);
  return new URL(raw, window.location.href).origin === window.location.origin;
}

export function installSessionTokenFallback(): void {
  if (installed || typeof window === "undefined") return;
  if ((window as unknown as { shopify?: ShopifyGlobal }).shopify?.idToken) return;
  const token = new URL(window.location.href).searchParams.get("id_token");
  if (!token) return;
  installed = true;
  const original = window.fetch.bind(window);
  window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    if (!sameOrigin(input)) return original(input, init);
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    if (!headers.has("Authorization")) headers.set("Authorization", `Bearer ${token}`);
    return original(input, { ...init, headers });
  };
}
