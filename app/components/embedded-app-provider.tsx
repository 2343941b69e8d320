import { forwardRef, useEffect, type ComponentProps, type ReactNode } from "react";
import { Link, useNavigate } from "@remix-run/react";
import { AppProvider as PolarisAppProvider } from "@shopify/polaris";
import englishI18n from "@shopify/polaris/locales/en.json";

// What @shopify/shopify-app-remix/react's AppProvider does (App Bridge script, Polaris provider with Remix
// links, shopify:navigate), built on the SAME Polaris module instance as our pages. The server build bundles
// Polaris (vite ssr.noExternal) but loads shopify-app-remix from node_modules, so that AppProvider provides
// i18n to a second copy of Polaris and every page fails with "No i18n was provided".

type LinkLikeComponentProps = ComponentProps<NonNullable<ComponentProps<typeof PolarisAppProvider>["linkComponent"]>>;

export const APP_BRIDGE_URL = "https://cdn.shopify.com/shopifycloud/app-bridge.js";

// Polaris hands the link component `target: undefined` (and `rel: undefined`) when no target was asked for, so
// those props are read, not spread over ours: spreading them last dropped `target="_top"` and an absolute link
// (the theme editor's) then opened inside the app's iframe, where the admin refuses to be framed.
const RemixLink = forwardRef<HTMLAnchorElement, LinkLikeComponentProps>(function RemixLink({ url, external, children, target, rel, ...rest }, ref) {
  if (external || /^https?:\/\//.test(url)) {
    return (
      <a ref={ref} {...rest} href={url} target={typeof target === "string" && target !== "" ? target : "_top"} rel={typeof rel === "string" && rel !== "" ? rel : "noopener noreferrer"}>
        {children}
      </a>
    );
  }
  return (
    <Link ref={ref} to={url} {...rest}>
      {children}
    </Link>
  );
});

export function EmbeddedAppProvider({ apiKey, children }: { apiKey: string; children: ReactNode }) {
  const navigate = useNavigate();
  useEffect(() => {
    // App Bridge dispatches this when the merchant uses the admin's navigation menu.
    const onNavigate = (event: Event) => {
      const href = event.target instanceof Element ? event.target.getAttribute("href") : null;
      if (href) navigate(href);
    };
    addEventListener("shopify:navigate", onNavigate);
    return () => removeEventListener("shopify:navigate", onNavigate);
  }, [navigate]);
  return (
    <>
      <script src={APP_BRIDGE_URL} data-api-key={apiKey} />
      <PolarisAppProvider i18n={englishI18n} linkComponent={RemixLink}>
        {children}
      </PolarisAppProvider>
    </>
  );
}
