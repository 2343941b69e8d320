import { LoginErrorType } from "@shopify/shopify-app-remix/server";

// `login` from app/shopify/app.server.ts answers a bad shop field with an error code; the page shows it in words.

export type LoginFieldErrors = { shop?: string };

const MESSAGES: Record<LoginErrorType, string> = {
  [LoginErrorType.MissingShop]: "Enter your shop domain to log in.",
  [LoginErrorType.InvalidShop]: "Enter a shop domain like example.myshopify.com.",
};

export function loginFieldErrors(result: { shop?: LoginErrorType }): LoginFieldErrors {
  return result.shop ? { shop: MESSAGES[result.shop] } : {};
}
