import { useFormat } from "./format-context";

// A labelled bar list: one line per measure, its share in words and a bar that only repeats it.

const STYLES = `
.tandem-share { list-style: none; margin: 0; padding: 0; display: grid; gap: 8px; }
.tandem-share li { display: grid; grid-template-columns: minmax(110px, 1fr) 2fr; gap: 4px 12px; align-items: center; }
.tandem-share-track { height: 8px; background: var(--p-color-bg-surface-secondary); border-radius: 4px; overflow: hidden; }
.tandem-share-fill { height: 100%; background: var(--p-color-bg-fill-info); }
.tandem-share small { grid-column: 1 / -1; color: var(--p-color-text-secondary); }
@media (max-width: 599px) { .tandem-share li { grid-template-columns: 1fr; } }
`;

export type ShareItem = { key: string; label: string; part: number };

export function ShareBars({ label, items, whole, noun }: { label: string; items: ShareItem[]; whole: number; noun: { one: string; other: string } }) {
  const format = useFormat();
  return (
    <>
      <style>{STYLES}</style>
      <ul className="tandem-share" aria-label={label}>
        {items.map((item) => {
          const share = whole === 0 ? 0 : item.part / whole;
          return (
            <li key={item.key} data-share={item.key}>
              <span>
                <strong>{item.label}</strong>: {format.percent(item.part, whole) ?? "—"}
              </span>
              <span className="tandem-share-track" aria-hidden="true">
                <span className="tandem-share-fill" style={{ display: "block", width: `${Math.round(share * 100)}%` }} />
              </span>
              <small>
                {format.number(item.part)} of {format.count(whole, noun)}
              </small>
            </li>
          );
        })}
      </ul>
    </>
  );
}
