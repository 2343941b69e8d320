import { useState } from "react";
import { Button } from "@shopify/polaris";

/**
 * Downloads a resource route's answer. A plain link would lose the session: inside the admin, App Bridge adds
 * the session token to fetches (and session-token-fallback does without it), not to navigations.
 */
export function ExportButton({ href, label, onError }: { href: string; label: string; onError: (message: string) => void }) {
  const [busy, setBusy] = useState(false);
  const download = async () => {
    setBusy(true);
    try {
      const response = await fetch(href);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const name = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") ?? "")?.[1] ?? "export.csv";
      const url = URL.createObjectURL(await response.blob());
      const anchor = document.createElement("a");
      anchor.href = url;
      anchor.download = name;
      document.body.append(anchor);
      anchor.click();
      anchor.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (error) {
      onError(`The export failed (${error instanceof Error ? error.message : "unknown error"}). Try again.`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button onClick={() => void download()} loading={busy}>
      {label}
    </Button>
  );
}
