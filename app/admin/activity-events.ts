// Activity's event choices as the page's `events` parameter says them (decision 0031): "" is the default,
// Purchases; these two, or one shopper event's name. Apart from activity.server.ts so the page's components
// can name them without pulling server code into the browser bundle.
export const ALL_EVENTS = "all";
export const SHOPPER_EVENTS = "shopper";
