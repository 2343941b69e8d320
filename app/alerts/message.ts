import { META_EVENT_WINDOW_MS } from "../destinations/meta/event-window";
import { pauseDeadline, type AlertCause, type LowDayCause, type PauseCause } from "./causes";

// The email, in plain words: what happened, until when it can be fixed without losing purchases, and where
// to fix it. It names the shop and counts — never a customer, an order's contents, or a token.

export type AlertEmail = { subject: string; text: string };

export type MessageContext = {
  shop: string;
  shopName: string;
  timeZone: string;
  /** The app's client id: the Shopify admin opens an app at admin.shopify.com/store/<store>/apps/<client id>. */
  apiKey: string;
  nowMs: number;
};

const META_ANSWER_LIMIT = 200;

function when(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat("en-US", {
    timeZone,
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
    timeZoneName: "short",
  }).format(ms);
}

function count(value: number): string {
  return new Intl.NumberFormat("en-US").format(value);
}

function plural(value: number, one: string, many: string): string {
  return `${count(value)} ${value === 1 ? one : many}`;
}

export function appLink(context: MessageContext, path: string): string {
  const store = context.shop.replace(/\.myshopify\.com$/, "");
  return `https://admin.shopify.com/store/${encodeURIComponent(store)}/apps/${encodeURIComponent(context.apiKey)}${path}`;
}

function deadlineLines(cause: PauseCause, context: MessageContext): string[] {
  const deadline = pauseDeadline(cause);
  if (deadline > context.nowMs) {
    return [
      `Deadline: Meta accepts a purchase only up to 7 days after it happened. Fix this by ${when(deadline, context.timeZone)}, ` +
        "or the oldest waiting purchases can no longer be sent.",
    ];
  }
  return [
    "Deadline passed: Meta accepts a purchase only up to 7 days after it happened, so the oldest waiting purchases can " +
      "no longer be sent. Purchases from the last 7 days still can, once this is fixed.",
  ];
}

function metaAnswer(reason: string): string {
  const oneLine = reason.replace(/\s+/g, " ").trim();
  return `Meta's answer, for whoever manages your Meta setup: ${oneLine.length > META_ANSWER_LIMIT ? `${oneLine.slice(0, META_ANSWER_LIMIT)}…` : oneLine}`;
}

function pauseEmail(cause: PauseCause, context: MessageContext): AlertEmail {
  const name = context.shopName || context.shop;
  const since = when(cause.pausedAt, context.timeZone);
  const settings = appLink(context, "/app/settings");
  if (cause.kind === "shop_paused") {
    return {
      subject: `Action needed: ${name}'s purchases are not reaching Meta`,
      text: [
        `Since ${since}, Meta has refused the Conversions API access token that Tandem uses for ${context.shop}.`,
        "Tandem has paused sending purchases to Meta until a working token is saved. Nothing is lost yet: " +
          (cause.waiting > 0 ? `${plural(cause.waiting, "purchase is", "purchases are")} waiting and will be sent then.` : "purchases wait and will be sent then."),
        "",
        ...deadlineLines(cause, context),
        "",
        "What to do: create a new access token in Meta Events Manager (your dataset → Settings → Conversions API),",
        `then paste it into Tandem's Settings in your Shopify admin: ${settings}`,
        "",
        metaAnswer(cause.reason),
      ].join("\n"),
    };
  }
  return {
    subject: `Action needed: Meta refuses purchases for pixel ${cause.pixelId} (${name})`,
    text: [
      `Since ${since}, Meta has refused purchases that Tandem sends to pixel (dataset) ${cause.pixelId} for ${context.shop}.`,
      "Tandem has paused that pixel only; your other pixels keep receiving purchases. The paused pixel's purchases wait and will be sent once this is fixed.",
      "",
      ...deadlineLines(cause, context),
      "",
      "What to do: check that the pixel ID in Tandem's Settings is right and that the access token belongs to a",
      `system user with access to this dataset, then save Settings: ${settings}`,
      "",
      metaAnswer(cause.reason),
    ].join("\n"),
  };
}

function lowDayEmail(cause: LowDayCause, context: MessageContext): AlertEmail {
  const name = context.shopName || context.shop;
  const accounted = cause.delivered + cause.skipped;
  const share = Math.floor((accounted / cause.shopifyOrders) * 100);
  const deadline = cause.dayEndMs + META_EVENT_WINDOW_MS;
  return {
    subject: `${name}: Meta received fewer purchases than Shopify recorded on ${cause.day}`,
    text: [
      `On ${cause.day} (${context.timeZone}), Shopify recorded ${plural(cause.shopifyOrders, "paid order", "paid orders")} for ${context.shop}.`,
      `Tandem sent ${count(cause.delivered)} of them to Meta and skipped ${count(cause.skipped)} on purpose (for example, ` +
        `the shopper did not consent): ${share}% accounted for, below the 80% Tandem expects. ` +
        `${plural(cause.received, "order", "orders")} from that day reached Tandem at all.`,
      "",
      "Usual causes: Shopify's order webhooks are not reaching Tandem, Tandem was switched off in Settings, or the purchases failed to send.",
      `Deadline: purchases from that day can still be sent to Meta until ${when(deadline, context.timeZone)}.`,
      "",
      `See what happened in Tandem's Activity page in your Shopify admin: ${appLink(context, "/app/activity")}`,
    ].join("\n"),
  };
}

export function composeAlertEmail(cause: AlertCause, context: MessageContext): AlertEmail {
  const email = cause.kind === "deliveries_low" ? lowDayEmail(cause, context) : pauseEmail(cause, context);
  return { ...email, text: `${email.text}\n\nTandem emails you about the same problem at most once a day.\n` };
}
