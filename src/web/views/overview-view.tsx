/** Overview: DORA figures over a window, and counts of projects, runs and open incidents. */
import { type ReactNode, useState } from "react";
import { useEvents } from "../events.js";
import { formatDuration, formatPercent } from "../format.js";
import { Link } from "../router.js";
import type { Dora, Incident, Project, Run } from "../types.js";
import { Loaded } from "../ui.js";
import { useApi } from "../use-api.js";

const WINDOWS = [1, 7, 30] as const;

/** The landing page (GET /api/dora, /api/projects, /api/runs, /api/incidents?status=open). */
export function OverviewView() {
  const [days, setDays] = useState<number>(7);
  const dora = useApi<Dora>(`/api/dora?days=${days}`);
  const projects = useApi<{ projects: Project[] }>("/api/projects");
  const runs = useApi<{ runs: Run[] }>("/api/runs?limit=100");
  const open = useApi<{ incidents: Incident[] }>("/api/incidents?status=open&limit=500");
  useEvents(["run."], runs.reload);
  useEvents(["rollout.", "heal."], dora.reload);
  useEvents(["incident."], open.reload);
  const count = (...statuses: string[]) =>
    runs.data ? runs.data.runs.filter((r) => statuses.includes(r.status)).length : "…";
  return (
    <section aria-labelledby="overview-title">
      <h1 id="overview-title">Overview</h1>
      <div className="cards">
        <Card label="Projects" value={projects.data?.projects.length ?? "…"} />
        <Card label="Runs succeeded (last 100)" value={count("success")} />
        <Card label="Runs failed (last 100)" value={count("failure")} />
        <Card label="Runs in progress" value={count("running", "queued")} />
        <Card
          label="Open incidents"
          value={open.data ? <Link href="/incidents">{open.data.incidents.length}</Link> : "…"}
        />
      </div>
      <h2>
        Delivery over the last{" "}
        <select aria-label="window in days" value={days} onChange={(e) => setDays(Number(e.target.value))}>
          {WINDOWS.map((d) => (
            <option key={d} value={d}>
              {d === 1 ? "day" : `${d} days`}
            </option>
          ))}
        </select>
      </h2>
      <Loaded data={dora.data} error={dora.error}>
        {(d) => (
          <>
            <div className="cards">
              <Card label="Deployments" value={`${d.deployments} (${d.deploymentsPerDay}/day)`} />
              <Card label="Change failure rate" value={formatPercent(d.changeFailureRate)} />
              <Card
                label={`Time to restore (median of ${d.timeToRestore.count})`}
                value={formatDuration(d.timeToRestore.medianMs)}
              />
              <Card
                label="Heals: resolved / escalated / failed / active"
                value={`${d.heals.resolved} / ${d.heals.escalated} / ${d.heals.failed} / ${d.heals.active}`}
              />
            </div>
            {d.byService.length > 0 && (
              <table>
                <caption>Per service</caption>
                <thead>
                  <tr>
                    <th scope="col">Service</th>
                    <th scope="col">Deployments</th>
                    <th scope="col">Failed</th>
                    <th scope="col">Median time to restore</th>
                  </tr>
                </thead>
                <tbody>
                  {d.byService.map((s) => (
                    <tr key={s.service}>
                      <td>{s.service}</td>
                      <td>{s.deployments}</td>
                      <td>{s.failedDeployments}</td>
                      <td>{formatDuration(s.medianRestoreMs)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </>
        )}
      </Loaded>
    </section>
  );
}

function Card({ label, value }: { label: string; value: ReactNode }) {
  return (
    <div className="card">
      <div className="card-value">{value}</div>
      <div className="card-label">{label}</div>
    </div>
  );
}
