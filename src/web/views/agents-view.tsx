/** Agents: every registered agent with its state, labels, load and running jobs, and the jobs waiting for one. */
import { useEvents } from "../events.js";
import { between, formatAgo, formatDuration } from "../format.js";
import { Link } from "../router.js";
import type { Agent, WaitingJob } from "../types.js";
import { Loaded, Status } from "../ui.js";
import { useApi } from "../use-api.js";
import { useEvery } from "../use-every.js";

/** Heartbeats and leases announce no event: the page reloads this often while visible. */
const REFRESH_MS = 5000;

/** The agents page (GET /api/agents). */
export function AgentsView() {
  const agents = useApi<{ agents: Agent[]; waiting: WaitingJob[] }>("/api/agents");
  useEvery(REFRESH_MS, agents.reload);
  useEvents(["agent."], agents.reload);
  return (
    <section aria-labelledby="agents-title">
      <h1 id="agents-title">Agents</h1>
      <Loaded data={agents.data} error={agents.error}>
        {({ agents: list, waiting }) => (
          <>
            {list.length === 0 ? <NoAgents /> : <AgentTable agents={list} />}
            {waiting.length > 0 && <WaitingTable waiting={waiting} />}
          </>
        )}
      </Loaded>
    </section>
  );
}

function NoAgents() {
  return (
    <div className="note" role="status">
      <p>
        No agent has registered with this server. Mint an agent token (
        <code>pitcrew tokens create build-farm --role agent</code>) and start an agent on a build machine:
      </p>
      <pre>
        <code>PITCREW_AGENT_TOKEN=pcr_… pitcrew agent --server {location.origin} --labels linux --concurrency 2</code>
      </pre>
      <p>See docs/scale-out.md, "Agents: pitcrew agent on other machines".</p>
    </div>
  );
}

function AgentTable({ agents }: { agents: Agent[] }) {
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Agent</th>
          <th scope="col">State</th>
          <th scope="col">Labels</th>
          <th scope="col">Capacity</th>
          <th scope="col">Load</th>
          <th scope="col">Running jobs</th>
          <th scope="col">Last heartbeat</th>
          <th scope="col">Version</th>
        </tr>
      </thead>
      <tbody>
        {agents.map((a) => (
          <tr key={a.id}>
            <td>
              {a.name} <span className="muted">#{a.id}</span>
            </td>
            <td>
              <Status value={a.state} />
            </td>
            <td>{a.labels.length ? a.labels.join(", ") : "—"}</td>
            <td>{capacity(a.capacity)}</td>
            <td>
              {a.runningJobs.length} of {a.concurrency} busy
              <span className="muted"> ({Math.max(0, a.concurrency - a.runningJobs.length)} free)</span>
            </td>
            <td>
              {a.runningJobs.length === 0
                ? "—"
                : a.runningJobs.map((j) => (
                    <div key={j.lease}>
                      <Link href={`/runs/${j.runId}`}>
                        run #{j.runId} {j.key}
                      </Link>{" "}
                      <span className="muted">
                        attempt {j.attempt}, for {between(j.since, null)}
                      </span>
                    </div>
                  ))}
            </td>
            <td>{formatAgo(a.lastHeartbeatAt)}</td>
            <td>{a.version}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function WaitingTable({ waiting }: { waiting: WaitingJob[] }) {
  return (
    <>
      <h2>Waiting for an agent</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Job</th>
            <th scope="col">Class</th>
            <th scope="col">Waited</th>
            <th scope="col">Estimate</th>
            <th scope="col">Why</th>
          </tr>
        </thead>
        <tbody>
          {waiting.map((w) => (
            <tr key={w.jobId}>
              <td>
                <Link href={`/runs/${w.runId}`}>
                  {w.project} #{w.runId} {w.key}
                </Link>
              </td>
              <td>{w.class}</td>
              <td>{between(w.since, null)}</td>
              <td>~{formatDuration(w.estimateMs)}</td>
              <td>{w.why}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** `4 cpus, 8.0 GiB`, from what the agent advertised. */
function capacity(c: Agent["capacity"]): string {
  const parts = [];
  if (c.cpus !== undefined) parts.push(`${c.cpus} cpu${c.cpus === 1 ? "" : "s"}`);
  if (c.memory !== undefined) parts.push(`${(c.memory / 1024 ** 3).toFixed(1)} GiB`);
  return parts.join(", ") || "—";
}
