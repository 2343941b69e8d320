import { useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { AppProvider, Button, Card, FormLayout, Page, Text, TextField } from "@shopify/polaris";
import englishI18n from "@shopify/polaris/locales/en.json";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { login } from "../../shopify/app.server";
import { loginFieldErrors } from "../../shopify/login-errors";

// Where the library sends a merchant who opens the app outside the Shopify admin, and where an app reviewer
// logs in: a shop domain, then Shopify's install/OAuth. `login` answers errors for a missing or malformed
// shop and throws the redirect for a good one.

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

export async function loader({ request }: LoaderFunctionArgs) {
  return { errors: loginFieldErrors(await login(request)) };
}

export async function action({ request }: ActionFunctionArgs) {
  return { errors: loginFieldErrors(await login(request)) };
}

export default function Login() {
  const loaderData = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errors = actionData?.errors ?? loaderData.errors;
  const [shop, setShop] = useState("");
  // The app's other pages get Polaris from EmbeddedAppProvider; this one is outside the admin and App Bridge.
  return (
    <AppProvider i18n={englishI18n}>
      <Page narrowWidth>
        <Card>
          <Form method="post">
            <FormLayout>
              <Text as="h1" variant="headingLg">
                Log in to Tandem
              </Text>
              <TextField
                type="text"
                name="shop"
                label="Shop domain"
                helpText="example.myshopify.com"
                value={shop}
                onChange={setShop}
                autoComplete="on"
                error={errors.shop}
              />
              <Button submit variant="primary">
                Log in
              </Button>
            </FormLayout>
          </Form>
        </Card>
      </Page>
    </AppProvider>
  );
}
