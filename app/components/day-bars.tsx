import { Text } from "@shopify/polaris";
import { useFormat } from "./format-context";

// Bars per day drawn in HTML, so axis labels stay at the page's text size at any width. The bars are
// decoration (aria-hidden): the sentence above them and the table under "Numbers by day" say the same.

export type DaySeries = { name: string; color: string; values: number[] };

const STYLES = `
.tandem-bars { display: flex; align-items: flex-end; gap: 2px; height: 160px; border-bottom: 1px solid var(--p-color-border); }
.tandem-bars-day { flex: 1 1 0; display: flex; align-items: flex-end; justify-content: center; gap: 1px; height: 100%; min-width: 0; }
.tandem-bars-day span { flex: 1 1 0; max-width: 18px; min-height: 0; }
.tandem-bars-axis { display: flex; gap: 2px; margin-top: 4px; }
.tandem-bars-axis span { flex: 1 1 0; min-width: 0; text-align: center; white-space: nowrap; overflow: visible; font-size: 12px; color: var(--p-color-text-secondary); }
.tandem-bars-legend { display: flex; gap: 16px; flex-wrap: wrap; margin-top: 8px; font-size: 13px; }
.tandem-bars-legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; }
.tandem-day-table { width: 100%; border-collapse: collapse; margin-top: 8px; }
.tandem-day-table th, .tandem-day-table td { padding: 4px 8px; border-bottom: 1px solid var(--p-color-border-secondary); text-align: right; }
.tandem-visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.tandem-day-table th:first-child, .tandem-day-table td:first-child { text-align: left; }
`;

export function DayBars({ label, days, series }: { label: string; days: number[]; series: DaySeries[] }) {
  const format = useFormat();
  const max = Math.max(1, ...series.flatMap((item) => item.values));
  // About one label a week on a month, every day on a week: each label has room at 390 px.
  const every = days.length > 10 ? 7 : 1;
  return (
    <figure style={{ margin: 0 }} data-chart={label}>
      <style>{STYLES}</style>
      <div aria-hidden="true">
        <div className="tandem-bars">
          {days.map((day, index) => (
            <div className="tandem-bars-day" key={day}>
              {series.map((item) => (
                <span key={item.name} data-series={item.name} data-value={item.values[index] ?? 0} style={{ height: `${((item.values[index] ?? 0) / max) * 100}%`, background: item.color }} />
              ))}
            </div>
          ))}
        </div>
        <div className="tandem-bars-axis">
          {days.map((day, index) => (
            <span key={day}>{(days.length - 1 - index) % every === 0 ? format.day(day) : ""}</span>
          ))}
        </div>
        <div className="tandem-bars-legend">
          {series.map((item) => (
            <span key={item.name}>
              <i style={{ background: item.color }} />
              {item.name}
            </span>
          ))}
        </div>
      </div>
      <details>
        <summary>
          <Text as="span" variant="bodySm">
            Numbers by day
          </Text>
        </summary>
        <table className="tandem-day-table">
          <caption className="tandem-visually-hidden">{label}</caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              {series.map((item) => (
                <th scope="col" key={item.name}>
                  {item.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {days.map((day, index) => (
              <tr key={day}>
                <th scope="row">{format.date(day)}</th>
                {series.map((item) => (
                  <td key={item.name}>{format.number(item.values[index] ?? 0)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
