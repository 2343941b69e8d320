import { useEffect, useState } from "react";
import { useBeforeUnload, useBlocker } from "@remix-run/react";
import { SaveBar } from "@shopify/app-bridge-react";
import { Box, Button, InlineStack, Text } from "@shopify/polaris";

export type UnsavedChangesProps = { dirty: boolean; saving: boolean; onSave: () => void; onDiscard: () => void };

const LEAVE_QUESTION = "You have unsaved changes. Leave this page and lose them?";

// Inside the Shopify admin, App Bridge's contextual save bar (it also asks before the admin navigates away).
// Without App Bridge (its script could not load: decision 0005), the same two buttons in the page. Either
// way, leaving the app's own pages or closing the tab with unsaved edits asks first.
export function UnsavedChanges({ dirty, saving, onSave, onDiscard }: UnsavedChangesProps) {
  const [appBridge, setAppBridge] = useState(false);
  useEffect(() => setAppBridge(typeof window !== "undefined" && "shopify" in window && customElements.get("ui-save-bar") !== undefined), []);

  const blocker = useBlocker(({ currentLocation, nextLocation }) => dirty && currentLocation.pathname !== nextLocation.pathname);
  useEffect(() => {
    if (blocker.state !== "blocked") return;
    if (window.confirm(LEAVE_QUESTION)) blocker.proceed();
    else blocker.reset();
  }, [blocker]);
  useBeforeUnload((event) => {
    if (!dirty) return;
    event.preventDefault();
    event.returnValue = LEAVE_QUESTION;
  });

  if (appBridge) {
    return (
      <SaveBar id="settings-save-bar" open={dirty}>
        <button variant="primary" onClick={onSave} loading={saving ? "" : undefined} disabled={saving}></button>
        <button onClick={onDiscard} disabled={saving}></button>
      </SaveBar>
    );
  }
  if (!dirty) return null;
  return (
    <div role="region" aria-label="Unsaved changes" data-testid="unsaved-changes" style={{ position: "sticky", top: 0, zIndex: 10 }}>
      <Box background="bg-surface-inverse" padding="300" borderRadius="200">
        <InlineStack align="space-between" blockAlign="center" gap="300">
          <Text as="p" tone="text-inverse">
            Unsaved changes
          </Text>
          <InlineStack gap="200">
            <Button onClick={onDiscard} disabled={saving}>
              Discard
            </Button>
            <Button variant="primary" onClick={onSave} loading={saving}>
              Save
            </Button>
          </InlineStack>
        </InlineStack>
      </Box>
    </div>
  );
}
