import { useEffect } from "react";
import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useRouteError, type ShouldRevalidateFunction } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { NavMenu } from "@shopify/app-bridge-react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { authenticate } from "../shopify/app.server";
import { installSessionTokenFallback } from "../admin/session-token-fallback";
import { readFormatSettings } from "../admin/shop-format.server";
import { EmbeddedAppProvider } from "../components/embedded-app-provider";
import { FormatProvider } from "../components/format-context";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

// Every page gets a document title here; a page route may export its own meta instead.
const PAGE_TITLES: Record<string, string> = { "/app": "Home", "/app/settings": "Settings", "/app/activity": "Activity", "/app/health": "Health" };

export const meta: MetaFunction = ({ location }) => {
  const page = PAGE_TITLES[location.pathname.replace(/\/+$/, "")];
  return [{ title: page ? `${page} · Tandem` : "Tandem" }];
};

export async function loader({ request }: LoaderFunctionArgs) {
  const { admin, session } = await authenticate.admin(request);
  const format = await readFormatSettings(request, admin.graphql, session.shop);
  return { apiKey: process.env.SHOPIFY_API_KEY ?? "", format };
}

// Shopify puts `locale` only on the document URL; client-side navigations within the app do not carry it, so
// the layout keeps what it learned then instead of falling back to the default locale.
export const shouldRevalidate: ShouldRevalidateFunction = ({ nextUrl, defaultShouldRevalidate }) =>
  nextUrl.searchParams.has("locale") ? defaultShouldRevalidate : false;

export default function App() {
  const { apiKey, format } = useLoaderData<typeof loader>();
  // Before any client-side navigation: without App Bridge, data requests need the session token added here.
  useEffect(() => installSessionTokenFallback(), []);
  return (
    <EmbeddedAppProvider apiKey={apiKey}>
      <NavMenu>
        <Link to="/app" rel="home">
          Home
        </Link>
        <Link to="/app/settings">Settings</Link>
        <Link to="/app/activity">Activity</Link>
        <Link to="/app/health">Health</Link>
      </NavMenu>
      <FormatProvider settings={format}>
        <main>
          <Outlet />
        </main>
      </FormatProvider>
    </EmbeddedAppProvider>
  );
}

// Shopify needs Remix to catch some thrown responses so its headers are included in the response.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
