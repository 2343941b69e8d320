// Per-shop choices for how a paid order becomes a Purchase (DESIGN §5).
export type PurchaseSettings = {
  /** 'presentment' = the currency the buyer paid in; 'shop' = the shop's own currency. */
  valueSource: "presentment" | "shop";
  includeShipping: boolean;
  includeTax: boolean;
  /** What to do when the consent snapshot does not say whether marketing is allowed. */
  unknownConsent: "send" | "skip";
};

export const DEFAULT_PURCHASE_SETTINGS: PurchaseSettings = {
  valueSource: "presentment",
  includeShipping: true,
  includeTax: true,
  unknownConsent: "send",
};
