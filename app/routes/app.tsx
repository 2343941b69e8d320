import { useEffect } from "react";
import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useRouteError } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { NavMenu } from "@shopify/app-bridge-react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { authenticate } from "../shopify.server";
import { installSessionTokenFallback } from "../admin/session-token-fallback";
import { EmbeddedAppProvider } from "../components/embedded-app-provider";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

export async function loader({ request }: LoaderFunctionArgs) {
  await authenticate.admin(request);
  return { apiKey: process.env.SHOPIFY_API_KEY ?? "" };
}

export default function App() {
  const { apiKey } = useLoaderData<typeof loader>();
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
      <Outlet />
    </EmbeddedAppProvider>
  );
}

// Shopify needs Remix to catch some thrown responses so its headers are included in the response.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
