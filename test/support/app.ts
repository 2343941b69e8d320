import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { openTestApp } from "./app-context";

// The one lifecycle block the app-level tests share: open the real app on a fresh SQLite file before the
// tests, close it and delete the file after. It only wraps openTestApp, so contexts are built in one place.

type OpenArgs = Parameters<typeof openTestApp>;
type OpenedApp = Awaited<ReturnType<typeof openTestApp>>;

export type TestApp = {
  /** The app of the running test; reading it outside a test (or before set-up ran) is a bug in the test. */
  readonly context: OpenedApp["context"];
};

export type TestAppSetup = {
  /** Environment overrides, read when the app opens (so they can name a simulator started in beforeAll). */
  env?: () => NonNullable<OpenArgs[0]>;
  /** Context options (logger, ...), read when the app opens. */
  options?: () => NonNullable<OpenArgs[1]>;
  /** A fresh app per test (default), or one app for the whole file or describe block. */
  per?: "test" | "file";
};

/** Registers the open/close hooks in the calling describe block (or file) and returns the app they open. */
export function useTestApp(setup: TestAppSetup = {}): TestApp {
  let opened: OpenedApp | undefined;
  const open = async () => {
    opened = await openTestApp(setup.env?.() ?? {}, setup.options?.() ?? {});
  };
  const close = async () => {
    const closing = opened;
    opened = undefined;
    await closing?.cleanup();
  };
  if (setup.per === "file") {
    beforeAll(open);
    afterAll(close);
  } else {
    beforeEach(open);
    afterEach(close);
  }
  return {
    get context() {
      if (!opened) throw new Error("the test app is not open: use it inside a test of the block that called useTestApp");
      return opened.context;
    },
  };
}
