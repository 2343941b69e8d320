// Entry of the app embed's asset (built to assets/tandem-capture.js by scripts/build-pixel.ts). Runs once
// per page, again when the visitor answers the consent banner, and again after every cart change the page
// makes without a reload (cart-watch.ts); fills cart forms with the attributes as they submit to checkout.
import { browserEnv, shopifyGlobal } from "./browser-env";
import { watchCart } from "./cart-watch";
import { newCaptureMemory, runCapture, wantedAttributes } from "./run-capture";

// A theme may announce every cart request it sees, the capture's own /cart.js and /cart/update.js included
// (when it wrapped fetch first). Its events are ignored during a pass and for this long after one, so an
// echo cannot start the next pass; the page's own cart calls are seen by the fetch and XHR hooks anyway.
const THEME_EVENT_QUIET_MS = 1000;

const memory = newCaptureMemory();
let running = false;
let again = false;
let quietUntil = 0;

// One pass at a time; changes arriving meanwhile (a burst of cart calls and theme events) make one more.
function capture(): void {
  if (running) {
    again = true;
    return;
  }
  running = true;
  runCapture(browserEnv(), memory)
    .catch(() => undefined)
    .then(() => {
      running = false;
      quietUntil = Date.now() + THEME_EVENT_QUIET_MS;
      if (again) {
        again = false;
        capture();
      }
    });
}

/**
 * Shopify's /cart form POST applies `attributes[...]` fields before it redirects to checkout, so the
 * attributes reach checkout even when the pass for the latest cart change has not finished.
 */
function fillCheckoutForm(form: HTMLFormElement): void {
  form.querySelectorAll("input[data-tandem]").forEach((old) => old.remove());
  const attributes = wantedAttributes(browserEnv(), memory);
  if (attributes === null) return;
  for (const key in attributes) {
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = `attributes[${key}]`;
    input.value = attributes[key] as string;
    input.dataset.tandem = "";
    form.appendChild(input);
  }
}

watchCart(
  capture,
  () => {
    if (!running && Date.now() >= quietUntil) capture();
  },
  fillCheckoutForm,
);
document.addEventListener("visitorConsentCollected", capture);

// Themes do not always load the Customer Privacy API; without it consent cannot be read, so ask Shopify
// for it first when the page offers that, and fall back to running straight away.
const { customerPrivacy, loadFeatures } = shopifyGlobal() as { customerPrivacy?: unknown; loadFeatures?: unknown };
if (customerPrivacy === undefined && typeof loadFeatures === "function") {
  try {
    loadFeatures([{ name: "consent-tracking-api", version: "0.1" }], capture);
  } catch {
    capture();
  }
} else {
  capture();
}
