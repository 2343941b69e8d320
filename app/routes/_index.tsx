import { redirect, type LoaderFunctionArgs } from "@remix-run/node";

// Shopify opens the app with ?shop=…; everything else about Tandem lives in the embedded admin under /app.
export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  if (url.searchParams.get("shop")) throw redirect(`/app?${url.searchParams.toString()}`);
  return new Response("Tandem — install it from the Shopify admin.", { headers: { "Content-Type": "text/plain" } });
}
