/**
 * A small Prometheus registry: counters, gauges and histograms with labels, rendered in the text
 * exposition format 0.0.4. No `job`/`instance` labels: the scraper adds those.
 */

/** Default latency buckets, in seconds. */
export const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const escapeLabel = (v) => String(v).replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
const labelText = (labels) => {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length ? `{${parts.join(",")}}` : "";
};
const num = (v) => (v === Number.POSITIVE_INFINITY ? "+Inf" : String(v));

/** Creates an empty registry. Asking twice for one metric name returns the same metric. */
export function createMetrics() {
  const families = new Map();
  const family = (name, type, help, make) => {
    if (!families.has(name)) families.set(name, { name, type, help, series: new Map(), make });
    const f = families.get(name);
    if (f.type !== type) throw new Error(`metric ${name} is a ${f.type}, not a ${type}`);
    return f;
  };
  const seriesOf = (f, labels) => {
    const key = JSON.stringify(labels);
    if (!f.series.has(key)) f.series.set(key, { labels, ...f.make() });
    return f.series.get(key);
  };
  return {
    /** A counter: `inc(labels, by = 1)`. */
    counter(name, help) {
      const f = family(name, "counter", help, () => ({ value: 0 }));
      return {
        inc(labels = {}, by = 1) {
          seriesOf(f, labels).value += by;
        },
      };
    },
    /** A gauge: `set(labels, value)`. */
    gauge(name, help) {
      const f = family(name, "gauge", help, () => ({ value: 0 }));
      return {
        set(labels, value) {
          seriesOf(f, labels).value = value;
        },
      };
    },
    /** A histogram: `observe(labels, value)`; buckets are upper bounds in ascending order. */
    histogram(name, help, buckets = DEFAULT_BUCKETS) {
      const bounds = [...buckets, Number.POSITIVE_INFINITY];
      const f = family(name, "histogram", help, () => ({ counts: bounds.map(() => 0), sum: 0, count: 0 }));
      f.bounds = bounds;
      return {
        observe(labels, value) {
          const s = seriesOf(f, labels);
          bounds.forEach((le, i) => {
            if (value <= le) s.counts[i] += 1;
          });
          s.sum += value;
          s.count += 1;
        },
      };
    },
    /** The exposition text of every metric. */
    render() {
      const lines = [];
      for (const f of families.values()) {
        lines.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`);
        for (const s of f.series.values()) {
          if (f.type !== "histogram") {
            lines.push(`${f.name}${labelText(s.labels)} ${num(s.value)}`);
            continue;
          }
          f.bounds.forEach((le, i) => {
            lines.push(`${f.name}_bucket${labelText({ ...s.labels, le: num(le) })} ${s.counts[i]}`);
          });
          lines.push(
            `${f.name}_sum${labelText(s.labels)} ${s.sum}`,
            `${f.name}_count${labelText(s.labels)} ${s.count}`,
          );
        }
      }
      return `${lines.join("\n")}\n`;
    },
  };
}
