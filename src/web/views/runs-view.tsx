/** Runs: the newest runs of every project, refreshed live on run events. */
import { between, formatTime } from "../format.js";
import { useEvents } from "../events.js";
import { Link } from "../router.js";
import type { Project, Run } from "../types.js";
import { Loaded, Status } from "../ui.js";
import { useApi } from "../use-api.js";

/** The run list (GET /api/runs). */
export function RunsView() {
  const runs = useApi<{ runs: Run[] }>("/api/runs?limit=100");
  const projects = useApi<{ projects: Project[] }>("/api/projects");
  useEvents(["run."], runs.reload);
  const nameOf = (id: number) => projects.data?.projects.find((p) => p.id === id)?.name ?? `project ${id}`;
  return (
    <section aria-labelledby="runs-title">
      <h1 id="runs-title">Runs</h1>
      <Loaded data={runs.data} error={runs.error}>
        {({ runs: list }) =>
          list.length === 0 ? (
            <p className="muted">No runs yet: push to a project or trigger one.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Run</th>
                  <th scope="col">Project</th>
                  <th scope="col">Status</th>
                  <th scope="col">Event</th>
                  <th scope="col">Branch</th>
                  <th scope="col">Commit</th>
                  <th scope="col">Created</th>
                  <th scope="col">Duration</th>
                </tr>
              </thead>
              <tbody>
                {list.map((r) => (
                  <tr key={r.id}>
                    <td>
                      <Link href={`/runs/${r.id}`}>#{r.id}</Link>
                    </td>
                    <td>{nameOf(r.projectId)}</td>
                    <td>
                      <Status value={r.status} />
                    </td>
                    <td>{r.event}</td>
                    <td>{r.branch ?? "—"}</td>
                    <td>
                      <code>{r.commit?.slice(0, 8) ?? "—"}</code>
                    </td>
                    <td>{formatTime(r.createdAt)}</td>
                    <td>{between(r.startedAt, r.finishedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loaded>
    </section>
  );
}
