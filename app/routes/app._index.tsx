import { Page, Card, Text } from "@shopify/polaris";

export default function Home() {
  return (
    <Page title="Tandem">
      <Card>
        <Text as="p">Every paid order reaches Meta once, from the browser and the server.</Text>
      </Card>
    </Page>
  );
}
