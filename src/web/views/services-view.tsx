/** Services: every registered service with its request, 5xx and p99 charts, and the dependency graph, live. */
import { Link } from "../router.js";
import { GraphSection } from "../services/graph-section.js";
import { MetricChart } from "../services/metric-chart.js";
import { METRICS, metricQueries } from "../services/service-queries.js";
import { REFRESH_MS, useDependencyGraph } from "../services/use-dependency-graph.js";
import { useRangeQueries } from "../services/use-range-queries.js";
import type { Service } from "../types.js";
import { Loaded } from "../ui.js";
import { useApi } from "../use-api.js";
import { useEvery } from "../use-every.js";

/** The services page (GET /api/services, three range queries for all services, GET /api/traces/graph). */
export function ServicesView() {
  const services = useApi<{ services: Service[] }>("/api/services");
  const metrics = useRangeQueries(metricQueries(), { minutes: 15, stepSeconds: 15, everyMs: REFRESH_MS });
  const graph = useDependencyGraph();
  useEvery(REFRESH_MS, services.reload);
  return (
    <section aria-labelledby="services-title">
      <h1 id="services-title">Services</h1>
      <Loaded data={services.data} error={services.error}>
        {({ services: list }) =>
          list.length === 0 ? (
            <p className="muted">
              No services are registered: list them under <code>services:</code> in the config, or{" "}
              <code>POST /api/services</code>.
            </p>
          ) : (
            <table className="services">
              <caption>Last 15 minutes, refreshed every {REFRESH_MS / 1000} s</caption>
              <thead>
                <tr>
                  <th scope="col">Service</th>
                  <th scope="col">Environment</th>
                  {METRICS.map((m) => (
                    <th key={m.key} scope="col">
                      {m.title}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {list.map((s) => (
                  <tr key={s.name}>
                    <th scope="row">
                      <Link href={`/services/${encodeURIComponent(s.name)}`}>{s.name}</Link>
                    </th>
                    <td>{s.environment}</td>
                    {METRICS.map((m) => (
                      <td key={m.key}>
                        <MetricChart
                          service={s.name}
                          metric={m.key}
                          data={metrics}
                          size="small"
                          scraped={s.metricsUrl !== null}
                        />
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loaded>
      <h2>Dependencies</h2>
      <Loaded data={graph.data} error={graph.error}>
        {(g) => <GraphSection services={g.services} edges={g.edges} />}
      </Loaded>
    </section>
  );
}
