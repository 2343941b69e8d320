// Entry of the app embed's asset (built to assets/tandem-capture.js by scripts/build-pixel.ts). Runs once
// per page, and again whenever the visitor answers the consent banner.
import { browserEnv, shopifyGlobal } from "./browser-env";
import { runCapture } from "./run-capture";

let running = false;
let again = false;

function capture(): void {
  if (running) {
    again = true;
    return;
  }
  running = true;
  runCapture(browserEnv())
    .catch(() => undefined)
    .then(() => {
      running = false;
      if (again) {
        again = false;
        capture();
      }
    });
}

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
