import type { ReactNode } from "react";
import { BlockStack, Card, Text, type BlockStackProps } from "@shopify/polaris";

/**
 * A card with its heading: the shape of every card on Tandem's pages. Polaris 12's Card has no title of its
 * own, and one component keeps the headings' level and style alike across pages (and Polaris in one place).
 */
export function TitledCard({ title, gap = "300", children }: { title: ReactNode; gap?: BlockStackProps["gap"]; children: ReactNode }) {
  return (
    <Card>
      <BlockStack gap={gap}>
        <Text as="h2" variant="headingMd">
          {title}
        </Text>
        {children}
      </BlockStack>
    </Card>
  );
}
