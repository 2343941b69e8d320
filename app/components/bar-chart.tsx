import { CHART, ChartFrame, PLOT_HEIGHT, PLOT_WIDTH, type ChartSeries } from "./chart-frame";

/** Grouped bars per day, e.g. paid orders next to server events delivered. */
export function BarChart({ title, labels, series }: { title: string; labels: string[]; series: ChartSeries[] }) {
  const max = Math.max(1, ...series.flatMap((item) => item.values));
  const slot = PLOT_WIDTH / Math.max(1, labels.length);
  const bar = (slot * 0.8) / Math.max(1, series.length);
  return (
    <ChartFrame title={title} max={max} unit="" labels={labels} series={series}>
      {labels.flatMap((label, day) =>
        series.map((item, index) => {
          const value = item.values[day] ?? 0;
          const height = (value / max) * PLOT_HEIGHT;
          return (
            <rect
              key={`${label}-${item.name}`}
              data-series={item.name}
              x={CHART.left + slot * day + slot * 0.1 + bar * index}
              y={CHART.top + PLOT_HEIGHT - height}
              width={Math.max(1, bar - 1)}
              height={height}
              fill={item.color}
            >
              <title>{`${label} ${item.name}: ${value}`}</title>
            </rect>
          );
        }),
      )}
    </ChartFrame>
  );
}
