/** A hand-drawn SVG line chart of one series over a fixed time span, small (in a table) or large. */
import { type Frame, linePath, niceMax, type Point, place } from "./chart-scale.js";

/** The two sizes: a sparkline of 160 × 40, or a 360 × 150 chart with a value axis and times. */
export type ChartSize = "small" | "large";

const SIZES = {
  small: { width: 160, height: 40, left: 0, bottom: 0, top: 3 },
  large: { width: 360, height: 150, left: 58, bottom: 20, top: 10 },
};

/** Props of `LineChart`: the points (unix seconds), the span, how values print and the accessible name. */
export interface LineChartProps {
  points: Point[];
  from: number;
  to: number;
  /** The query step (seconds): points further apart than about two steps are not joined. */
  step: number;
  format(v: number): string;
  /** The accessible name, e.g. `Requests of cart over the last 15 minutes: latest 3.2 /s, peak 4.1 /s`. */
  label: string;
  size: ChartSize;
  tone?: "bad";
}

/** The chart, as one `role="img"` with `label` for its accessible name. */
export function LineChart({ points, from, to, step, format, label, size, tone }: LineChartProps) {
  const s = SIZES[size];
  const max = niceMax(Math.max(0, ...points.map((p) => p.v)));
  const frame: Frame = { from, to, width: s.width - s.left, height: s.height - s.top - s.bottom, max, gap: step * 2.5 };
  const last = points.at(-1);
  const dot = last && place(last, frame);
  return (
    <svg
      className={`chart chart-${size}${tone ? ` chart-${tone}` : ""}`}
      viewBox={`0 0 ${s.width} ${s.height}`}
      role="img"
      aria-label={label}
    >
      {size === "large" && (
        <g className="axis">
          {[max, max / 2, 0].map((v) => {
            const y = s.top + frame.height - (v / max) * frame.height;
            return (
              <g key={v}>
                <line x1={s.left} x2={s.width} y1={y} y2={y} />
                <text x={s.left - 6} y={y + 4} textAnchor="end">
                  {v === 0 ? "0" : format(v)}
                </text>
              </g>
            );
          })}
          <text x={s.left} y={s.height - 4}>
            {Math.round((to - from) / 60)} min ago
          </text>
          <text x={s.width} y={s.height - 4} textAnchor="end">
            now
          </text>
        </g>
      )}
      <g transform={`translate(${s.left} ${s.top})`}>
        {size === "small" && <line className="baseline" x1={0} x2={frame.width} y1={frame.height} y2={frame.height} />}
        <path className="line" d={linePath(points, frame)} />
        {dot && <circle className="dot" cx={dot[0]} cy={dot[1]} r={size === "small" ? 2 : 3} />}
      </g>
    </svg>
  );
}
