/** Models: per project, each registered learned model with its live version and its newest one. */
import { useEvents } from "../events.js";
import { formatTime } from "../format.js";
import { formatFigure, versionFigures } from "../models/model-figures.js";
import { Link } from "../router.js";
import type { ModelsOfProject, Project } from "../types.js";
import { Loaded, Status } from "../ui.js";
import { useApi } from "../use-api.js";

/** The models page (GET /api/projects, GET /api/projects/:p/models), refreshed on model events. */
export function ModelsView({ project }: { project?: string }) {
  const projects = useApi<{ projects: Project[] }>("/api/projects");
  return (
    <section aria-labelledby="models-title">
      <h1 id="models-title">Models{project ? ` of ${project}` : ""}</h1>
      <Loaded data={projects.data} error={projects.error}>
        {({ projects: list }) =>
          list.length === 0 ? (
            <p className="muted">No projects yet, so no models.</p>
          ) : (
            <>
              <nav aria-label="projects" className="choices">
                {list.map((p) => (
                  <Link
                    key={p.id}
                    href={`/models/${encodeURIComponent(p.name)}`}
                    aria-current={p.name === project ? "page" : undefined}
                  >
                    {p.name}
                  </Link>
                ))}
              </nav>
              {project ? (
                <ProjectModels project={project} />
              ) : (
                <p className="muted">Choose a project to see its learned models.</p>
              )}
            </>
          )
        }
      </Loaded>
    </section>
  );
}

function ProjectModels({ project }: { project: string }) {
  const models = useApi<ModelsOfProject>(`/api/projects/${encodeURIComponent(project)}/models`);
  useEvents(["model."], models.reload);
  return (
    <Loaded data={models.data} error={models.error}>
      {({ models: registered, versions }) => (
        <table>
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Predicts</th>
              <th scope="col">Live version</th>
              <th scope="col">Primary metric (live)</th>
              <th scope="col">Newest version</th>
              <th scope="col">Versions</th>
            </tr>
          </thead>
          <tbody>
            {registered.map((m) => {
              const mine = versions.filter((v) => v.model === m.name);
              const live = mine.find((v) => v.status === "live");
              const newest = mine[0];
              const primary = m.metrics[0]?.name ?? null;
              return (
                <tr key={m.name}>
                  <td>
                    <Link href={`/models/${encodeURIComponent(project)}/${encodeURIComponent(m.name)}`}>{m.name}</Link>
                  </td>
                  <td>{m.task}</td>
                  <td>{live ? `v${live.version}` : "none (shipped default)"}</td>
                  <td>{live ? `${primary} ${formatFigure(versionFigures(live, primary).candidate)}` : "—"}</td>
                  <td>
                    {newest ? (
                      <>
                        v{newest.version} <Status value={newest.status} /> {formatTime(newest.createdAt)}
                      </>
                    ) : (
                      "never trained"
                    )}
                  </td>
                  <td>{mine.length}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </Loaded>
  );
}
