// Tells the capture when the cart may have changed without a page load, and when a cart form is about to
// go to checkout (docs/decisions/0012).
import { isCartChangePath, isCartFormPost } from "../tracking/pixel/capture-cart";

// Theme cart events, heard in the capture phase on window, so an event dispatched on window, document or
// any element, bubbling or not, reaches us:
// - "cart:update": Shopify's Horizon theme (ThemeEvents.cartUpdate in assets/events.js, dispatched by its
//   product form and cart components).
// - "cart:updated", "cart:refresh": dispatched by third-party themes and by apps that change the cart and
//   ask the theme to redraw it (seen in public theme and app code; no standard names them).
// Dawn, Shopify's earlier reference theme, dispatches no DOM event: it publishes "cart-update" on a pubsub
// of its own (assets/pubsub.js). Every cart change Dawn makes is a fetch to /cart/add or /cart/change,
// which the fetch hook below sees, so the embed does not call into Dawn's globals.
const THEME_CART_EVENTS = ["cart:update", "cart:updated", "cart:refresh"];

function changesCart(request: unknown): boolean {
  try {
    // fetch takes a string, a URL or a Request (which has .url); XMLHttpRequest.open a string or URL.
    const url = (request as { url?: unknown }).url || request;
    return isCartChangePath(new URL(String(url), location.href).pathname);
  } catch {
    return false;
  }
}

/**
 * onChange: the page itself changed the cart (never the capture: its requests use the fetch taken before
 * this hook). onThemeEvent: a theme said the cart changed, which may echo the capture's own requests.
 */
export function watchCart(
  onChange: () => void,
  onThemeEvent: () => void,
  onCheckoutSubmit: (form: HTMLFormElement) => void,
): void {
  const page = window as unknown as { fetch: unknown };
  const pageFetch = page.fetch;
  if (typeof pageFetch === "function") {
    page.fetch = function (...args: unknown[]) {
      const result = pageFetch.apply(window, args) as Promise<unknown>;
      if (changesCart(args[0])) result.then(onChange, onChange);
      return result;
    };
  }
  const xhr = XMLHttpRequest.prototype;
  const open = xhr.open as (...args: unknown[]) => void;
  xhr.open = function (this: XMLHttpRequest, ...args: unknown[]) {
    if (changesCart(args[1])) this.addEventListener("loadend", onChange);
    open.apply(this, args);
  } as typeof xhr.open;

  for (const name of THEME_CART_EVENTS) addEventListener(name, onThemeEvent, true);

  // The submit event fires before the browser collects the form's fields, so inputs added here are sent.
  addEventListener(
    "submit",
    (event) => {
      const form = event.target;
      try {
        if (form instanceof HTMLFormElement && isCartFormPost(form.method, new URL(form.action, location.href).pathname)) {
          onCheckoutSubmit(form);
        }
      } catch {
        // A form the capture cannot read is submitted as the theme built it.
      }
    },
    true,
  );
}
