import type { ReactNode } from "react";

// Shared geometry for the hand-rolled SVG charts: a fixed viewBox that scales to the card's width.
export const CHART = { width: 640, height: 220, left: 40, right: 12, top: 12, bottom: 28 } as const;
export const PLOT_WIDTH = CHART.width - CHART.left - CHART.right;
export const PLOT_HEIGHT = CHART.height - CHART.top - CHART.bottom;

export type ChartSeries = { name: string; color: string; values: number[] };

export function dayLabel(dayStartMs: number): string {
  const date = new Date(dayStartMs);
  return `${date.getUTCMonth() + 1}/${date.getUTCDate()}`;
}

export function ChartFrame(props: { title: string; max: number; unit: string; labels: string[]; series: ChartSeries[]; children: ReactNode }) {
  const ticks = [0, 0.5, 1].map((share) => ({ y: CHART.top + PLOT_HEIGHT * (1 - share), value: Math.round(props.max * share) }));
  const every = Math.max(1, Math.ceil(props.labels.length / 8));
  const step = PLOT_WIDTH / Math.max(1, props.labels.length);
  return (
    <figure style={{ margin: 0 }}>
      <svg viewBox={`0 0 ${CHART.width} ${CHART.height}`} role="img" aria-label={props.title} style={{ width: "100%", height: "auto" }}>
        {ticks.map((tick) => (
          <g key={tick.y}>
            <line x1={CHART.left} x2={CHART.width - CHART.right} y1={tick.y} y2={tick.y} stroke="#e3e3e3" />
            <text x={CHART.left - 6} y={tick.y + 4} fontSize="11" textAnchor="end" fill="#616161">
              {tick.value}
              {props.unit}
            </text>
          </g>
        ))}
        {props.labels.map((label, index) =>
          index % every === 0 ? (
            <text key={label} x={CHART.left + step * (index + 0.5)} y={CHART.height - 8} fontSize="11" textAnchor="middle" fill="#616161">
              {label}
            </text>
          ) : null,
        )}
        {props.children}
      </svg>
      <figcaption style={{ display: "flex", gap: 16, flexWrap: "wrap", fontSize: 12 }}>
        {props.series.map((series) => (
          <span key={series.name}>
            <span style={{ display: "inline-block", width: 10, height: 10, background: series.color, marginRight: 4 }} />
            {series.name}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
