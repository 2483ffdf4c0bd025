/** Deployments: per environment and project, the live release and the active rollout, live. */
import { useEvents } from "../events.js";
import { formatTime } from "../format.js";
import { Link } from "../router.js";
import type { Environment, Rollout } from "../types.js";
import { ErrorNote, Loaded, Status } from "../ui.js";
import { useApi } from "../use-api.js";

/** The environments page (GET /api/environments, GET /api/rollouts), refreshed on rollout events. */
export function DeploymentsView() {
  const envs = useApi<{ environments: Environment[] }>("/api/environments");
  const rollouts = useApi<{ rollouts: Rollout[] }>("/api/rollouts?limit=20");
  useEvents(["rollout.", "release."], () => {
    envs.reload();
    rollouts.reload();
  });
  return (
    <section aria-labelledby="deploy-title">
      <h1 id="deploy-title">Deployments</h1>
      {envs.error?.status === 409 ? (
        <p className="note" role="status">
          Delivery is not running on this server ({envs.error.message}), so there are no environments to show. Start the
          server with <code>pitcrew serve</code> and an <code>environments:</code> section in its config.
        </p>
      ) : (
        <Loaded data={envs.data} error={envs.error}>
          {({ environments }) =>
            environments.length === 0 ? (
              <p className="muted">No environments are configured.</p>
            ) : (
              environments.map((e) => <EnvironmentPanel key={e.name} env={e} />)
            )
          }
        </Loaded>
      )}
      <h2>Recent rollouts</h2>
      {rollouts.error ? (
        <ErrorNote error={rollouts.error} />
      ) : rollouts.data?.rollouts.length === 0 ? (
        <p className="muted">No rollouts yet.</p>
      ) : (
        <RolloutTable rollouts={rollouts.data?.rollouts ?? []} />
      )}
    </section>
  );
}

function EnvironmentPanel({ env }: { env: Environment }) {
  return (
    <article className="panel">
      <h2>
        {env.name} <span className="muted">router {env.router}</span>
        {env.promotion && <span className="muted"> · promoted from {env.promotion.from}</span>}
      </h2>
      {env.projects.length === 0 ? (
        <p className="muted">Nothing deployed here yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Project</th>
              <th scope="col">Live release</th>
              <th scope="col">Since</th>
              <th scope="col">Active rollout</th>
              <th scope="col">Canary weight</th>
              <th scope="col">Replicas</th>
            </tr>
          </thead>
          <tbody>
            {env.projects.map((p) => (
              <tr key={p.project}>
                <td>{p.url ? <a href={p.url}>{p.project}</a> : p.project}</td>
                <td>
                  {p.live ? (
                    <>
                      #{p.live.id} <code>{p.live.commit.slice(0, 8)}</code>
                      {p.live.runId !== null && (
                        <>
                          {" "}
                          <Link href={`/runs/${p.live.runId}`}>run #{p.live.runId}</Link>
                        </>
                      )}
                    </>
                  ) : (
                    "—"
                  )}
                </td>
                <td>{formatTime(p.live?.liveAt)}</td>
                <td>
                  {p.rollout ? (
                    <>
                      <Link href={`/rollouts/${p.rollout.id}`}>#{p.rollout.id}</Link> <Status value={p.rollout.state} />{" "}
                      <span className="muted">{p.rollout.message}</span>
                    </>
                  ) : (
                    "none"
                  )}
                </td>
                <td>{p.rollout ? <Weight value={p.rollout.weight} /> : "—"}</td>
                <td>
                  {p.replicas.length === 0
                    ? "—"
                    : p.replicas
                        .map((r) => `#${r.release} ${r.state}${r.restarts ? ` (${r.restarts} restarts)` : ""}`)
                        .join(", ")}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </article>
  );
}

/** A canary weight in percent, as a meter and a number. */
function Weight({ value }: { value: number }) {
  return (
    <span className="weight">
      <meter min={0} max={100} value={value} aria-label="canary traffic weight" /> {value} %
    </span>
  );
}

function RolloutTable({ rollouts }: { rollouts: Rollout[] }) {
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Rollout</th>
          <th scope="col">Project</th>
          <th scope="col">Environment</th>
          <th scope="col">Kind</th>
          <th scope="col">State</th>
          <th scope="col">Weight</th>
          <th scope="col">Updated</th>
          <th scope="col">Message</th>
        </tr>
      </thead>
      <tbody>
        {rollouts.map((r) => (
          <tr key={r.id}>
            <td>
              <Link href={`/rollouts/${r.id}`}>#{r.id}</Link>
            </td>
            <td>{r.project}</td>
            <td>{r.environment}</td>
            <td>{r.kind}</td>
            <td>
              <Status value={r.state} />
            </td>
            <td>{r.weight} %</td>
            <td>{formatTime(r.updatedAt)}</td>
            <td>{r.message}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
