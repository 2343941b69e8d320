import { createContext, useContext, useMemo, type ReactNode } from "react";
import { createFormatter, DEFAULT_FORMAT, type FormatSettings, type Formatter } from "../admin/format";

// The shop's locale and time zone for every admin page: the layout route (app.tsx) provides them once.

const FormatContext = createContext<Formatter>(createFormatter(DEFAULT_FORMAT));

export function FormatProvider({ settings, children }: { settings: FormatSettings; children: ReactNode }) {
  const formatter = useMemo(() => createFormatter(settings), [settings]);
  return <FormatContext.Provider value={formatter}>{children}</FormatContext.Provider>;
}

export function useFormat(): Formatter {
  return useContext(FormatContext);
}
