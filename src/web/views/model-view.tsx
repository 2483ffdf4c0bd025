/** One learned model of a project or a service: its versions, the gate's figures over them, refusals and drift. */
import { type DomainEvent, useEvents } from "../events.js";
import { formatTime } from "../format.js";
import { formatFigure, versionFigures } from "../models/model-figures.js";
import { Link } from "../router.js";
import type { ModelOwner, ModelsOfProject, ModelVersion, Project } from "../types.js";
import { Loaded, Status } from "../ui.js";
import { useApi } from "../use-api.js";

/** How many refusals the page lists. */
const REFUSALS_SHOWN = 5;

/**
 * The model page (GET /api/projects/:p/models or /api/services/:s/models, GET /api/events?type=model.drift
 * for a project's), refreshed on model events.
 */
export function ModelView({ owner, model }: { owner: ModelOwner; model: string }) {
  const { kind, name } = owner;
  const models = useApi<ModelsOfProject>(`/api/${kind}s/${encodeURIComponent(name)}/models`);
  const projects = useApi<{ projects: Project[] }>(kind === "project" ? "/api/projects" : null);
  const id = projects.data?.projects.find((p) => p.name === name)?.id;
  const subject = `model:${model}:project:${id}`;
  const drift = useApi<{ events: DomainEvent[] }>(
    id === undefined ? null : `/api/events?type=model.drift&subject=${encodeURIComponent(subject)}&limit=5000`,
  );
  // the subject filter is a prefix (project:1 would match project:12): keep this scope's only
  const driftEvents = drift.data?.events.filter((e) => e.subject === subject);
  useEvents(["model."], () => {
    models.reload();
    drift.reload();
  });
  return (
    <section aria-labelledby="model-title">
      <h1 id="model-title">
        {model} <span className="muted">of {name}</span>
      </h1>
      <p>
        {kind === "project" ? (
          <Link href={`/models/${encodeURIComponent(name)}`}>All models of {name}</Link>
        ) : (
          <Link href={`/services/${encodeURIComponent(name)}`}>Service {name}</Link>
        )}
      </p>
      <Loaded data={models.data} error={models.error}>
        {({ models: registered, versions }) => {
          const spec = registered.find((m) => m.name === model);
          if (!spec) {
            return (
              <p className="error" role="alert">
                No learned model named {model} is registered.
              </p>
            );
          }
          const mine = versions.filter((v) => v.model === model);
          const primary = spec.metrics[0]?.name ?? null;
          return (
            <>
              <p>{spec.task}</p>
              <DriftPanel events={driftEvents} live={mine.find((v) => v.status === "live")} kind={kind} />
              <h2>Versions</h2>
              {mine.length === 0 ? (
                <p className="muted">
                  {kind === "project"
                    ? "Never trained: the shipped default serves. Train one with "
                    : "No checkpoint yet: "}
                  <code>
                    {kind === "project"
                      ? `pitcrew models train ${model} --project ${name}`
                      : `pitcrew serve checkpoints it every observe.anomaly_checkpoint, or pitcrew models update ${model} --service ${name}`}
                  </code>
                  .
                </p>
              ) : (
                <VersionTable versions={mine} primary={primary} />
              )}
              <Refusals versions={mine} />
            </>
          );
        }}
      </Loaded>
    </section>
  );
}

function VersionTable({ versions, primary }: { versions: ModelVersion[]; primary: string | null }) {
  return (
    <table>
      <caption>
        Newest first; figures on the primary metric ({primary ?? "none"}) from the gate or the online update
      </caption>
      <thead>
        <tr>
          <th scope="col">Version</th>
          <th scope="col">Status</th>
          <th scope="col">Trained on</th>
          <th scope="col">Candidate</th>
          <th scope="col">Incumbent</th>
          <th scope="col">Δ</th>
          <th scope="col">p(not better)</th>
          <th scope="col">Units</th>
          <th scope="col">Reason</th>
        </tr>
      </thead>
      <tbody>
        {versions.map((v) => {
          const f = versionFigures(v, primary);
          return (
            <tr key={v.id}>
              <td>
                v{v.version}
                {v.parentVersion !== null && <span className="muted"> (vs v{v.parentVersion})</span>}
              </td>
              <td>
                <Status value={v.status} />
                {f.kind === "online" && <span className="muted"> online</span>}
              </td>
              <td>
                {formatTime(v.trainFrom)} – {formatTime(v.trainTo)}
              </td>
              <td>
                <Figure value={f.candidate} />
              </td>
              <td>
                <Figure value={f.incumbent} />
              </td>
              <td>{formatFigure(f.delta)}</td>
              <td>{f.pNotBetter === null ? "—" : f.pNotBetter.toFixed(3)}</td>
              <td>{f.units ?? "—"}</td>
              <td>{v.reason}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** A figure in [0, 1] as a meter beside its number (other values as the number alone). */
function Figure({ value }: { value: number | null }) {
  if (value === null) return <>—</>;
  return (
    <span className="weight">
      {value >= 0 && value <= 1 && <meter min={0} max={1} value={value} aria-hidden="true" />} {formatFigure(value)}
    </span>
  );
}

function Refusals({ versions }: { versions: ModelVersion[] }) {
  const refused = versions.filter((v) => v.status === "refused").slice(0, REFUSALS_SHOWN);
  return (
    <>
      <h2>Last refusals</h2>
      {refused.length === 0 ? (
        <p className="muted">No version has been refused.</p>
      ) : (
        <ul>
          {refused.map((v) => (
            <li key={v.id}>
              v{v.version}, {formatTime(v.updatedAt)}: {v.reason}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function DriftPanel({
  events,
  live,
  kind,
}: {
  events: DomainEvent[] | undefined;
  live: ModelVersion | undefined;
  kind: "project" | "service";
}) {
  const last = events?.filter((e) => live && e.data.version === live.version).at(-1);
  return (
    <article className="panel" aria-labelledby="drift-title">
      <h2 id="drift-title">Drift</h2>
      {!live ? (
        <p className="muted">No live version: nothing to watch for drift.</p>
      ) : events === undefined ? (
        <p className="muted">Loading…</p>
      ) : last ? (
        <>
          <p>
            <Status value="drifted" /> live v{live.version} drifted at {formatTime(last.at)}
          </p>
          <ul>
            {(Array.isArray(last.data.reasons) ? last.data.reasons : []).map((r) => (
              <li key={String(r)}>{String(r)}</li>
            ))}
          </ul>
        </>
      ) : (
        <p>
          <Status value="steady" /> no drift reported for live v{live.version} (checked{" "}
          {kind === "project" ? "hourly" : "before each checkpoint"} by <code>pitcrew serve</code>).
        </p>
      )}
    </article>
  );
}
