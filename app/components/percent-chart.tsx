import { CHART, ChartFrame, PLOT_HEIGHT, PLOT_WIDTH, type ChartSeries } from "./chart-frame";

/** Lines of daily percentages (0–100), e.g. dedup coverage or one line per match key. */
export function PercentChart({ title, labels, series }: { title: string; labels: string[]; series: ChartSeries[] }) {
  const step = PLOT_WIDTH / Math.max(1, labels.length);
  const point = (value: number, day: number) => `${CHART.left + step * (day + 0.5)},${CHART.top + PLOT_HEIGHT * (1 - Math.min(100, value) / 100)}`;
  return (
    <ChartFrame title={title} max={100} unit="%" labels={labels} series={series}>
      {series.map((item) => (
        <g key={item.name} data-series={item.name}>
          <polyline fill="none" stroke={item.color} strokeWidth="2" points={item.values.map(point).join(" ")} />
          {item.values.map((value, day) => {
            const [x, y] = point(value, day).split(",");
            return (
              <circle key={day} cx={x} cy={y} r="2.5" fill={item.color}>
                <title>{`${labels[day] ?? ""} ${item.name}: ${value}%`}</title>
              </circle>
            );
          })}
        </g>
      ))}
    </ChartFrame>
  );
}
