/** One service: its registration, larger request, 5xx and p99 charts, its callers and callees, and its incidents. */
import { useEvents } from "../events.js";
import { formatDuration, formatTime } from "../format.js";
import { Link } from "../router.js";
import { EdgeTable } from "../services/edge-table.js";
import { GraphFigure } from "../services/graph-figure.js";
import { NoTraces } from "../services/graph-section.js";
import { ServiceModels } from "../services/service-models.js";
import { MetricChart } from "../services/metric-chart.js";
import { METRICS, metricQueries } from "../services/service-queries.js";
import { REFRESH_MS, useDependencyGraph } from "../services/use-dependency-graph.js";
import { useRangeQueries } from "../services/use-range-queries.js";
import type { DependencyGraph, Incident, Service } from "../types.js";
import { ErrorNote, Loaded, Status } from "../ui.js";
import { useApi } from "../use-api.js";

/**
 * The service page (the registry, range queries for it, the graph, GET /api/incidents?service=). The
 * registry is read whole rather than GET /api/services/:name, so that a service seen in traces only
 * (a link from the edge table) costs no 404.
 */
export function ServiceView({ name }: { name: string }) {
  const path = encodeURIComponent(name);
  const registry = useApi<{ services: Service[] }>("/api/services");
  const metrics = useRangeQueries(metricQueries(name), { minutes: 15, stepSeconds: 5, everyMs: REFRESH_MS });
  const graph = useDependencyGraph();
  const incidents = useApi<{ incidents: Incident[] }>(`/api/incidents?service=${path}&limit=20`);
  useEvents(["incident."], incidents.reload);
  const service = registry.data?.services.find((s) => s.name === name);
  const unregistered = registry.data !== undefined && service === undefined;
  return (
    <section aria-labelledby="service-title">
      <p>
        <Link href="/services">← Services</Link>
      </p>
      <h1 id="service-title">Service {name}</h1>
      {unregistered ? (
        <p className="note" role="status">
          {name} is not a registered service (it appears in traces only), so pitcrew does not scrape its metrics.
        </p>
      ) : (
        <Loaded data={service} error={registry.error}>
          {(s) => <Registration service={s} />}
        </Loaded>
      )}
      <h2>Last 15 minutes</h2>
      <div className="chart-grid">
        {METRICS.map((m) => (
          <figure key={m.key} className="panel">
            <figcaption>{m.title}</figcaption>
            <MetricChart
              service={name}
              metric={m.key}
              data={metrics}
              size="large"
              scraped={service?.metricsUrl != null}
            />
          </figure>
        ))}
      </div>
      {service !== undefined && (
        <>
          <h2>Learned models</h2>
          <ServiceModels name={name} />
        </>
      )}
      <h2>Calls</h2>
      <Loaded data={graph.data} error={graph.error}>
        {(g) => <Calls name={name} graph={g} />}
      </Loaded>
      <h2>Incidents</h2>
      {incidents.error ? (
        <ErrorNote error={incidents.error} />
      ) : incidents.data?.incidents.length === 0 ? (
        <p className="muted">No incidents involve {name}.</p>
      ) : (
        <ul className="plain">
          {incidents.data?.incidents.map((i) => (
            <li key={i.id}>
              <Link href={`/incidents/${i.id}`}>
                #{i.id} {i.title}
              </Link>{" "}
              <Status value={i.status} /> <span className="muted">opened {formatTime(i.openedAt)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Registration({ service: s }: { service: Service }) {
  return (
    <dl className="facts">
      <dt>Environment</dt>
      <dd>{s.environment}</dd>
      <dt>Metrics</dt>
      <dd>
        {s.metricsUrl ? (
          <>
            <code>{s.metricsUrl}</code> every {formatDuration(s.scrapeIntervalMs)}
          </>
        ) : (
          "not scraped by pitcrew (no metrics URL)"
        )}
      </dd>
      <dt>Repository</dt>
      <dd>{s.repository ? <code>{s.repository}</code> : "—"}</dd>
      <dt>Registered</dt>
      <dd>{formatTime(s.createdAt)}</dd>
    </dl>
  );
}

function Calls({ name, graph }: { name: string; graph: DependencyGraph }) {
  if (graph.edges.length === 0) return <NoTraces traced={graph.services} />;
  const edges = graph.edges.filter((e) => e.from === name || e.to === name);
  if (edges.length === 0) return <p className="muted">No traced calls to or from {name} in the last 15 minutes.</p>;
  const incoming = edges.filter((e) => e.to === name);
  const outgoing = edges.filter((e) => e.from === name);
  const services = [...new Set(edges.flatMap((e) => [e.from, e.to]))];
  return (
    <>
      <div className="panel graph-panel">
        <GraphFigure services={services} edges={edges} focus={name} />
      </div>
      {incoming.length > 0 ? (
        <EdgeTable edges={incoming} caption={`Callers of ${name}`} />
      ) : (
        <p className="muted">No traced callers of {name}.</p>
      )}
      {outgoing.length > 0 ? (
        <EdgeTable edges={outgoing} caption={`Called by ${name}`} />
      ) : (
        <p className="muted">{name} calls no traced service.</p>
      )}
    </>
  );
}
