/** One rollout: its state and weight, and each step with the analysis verdicts explained. */
import { useEvents } from "../events.js";
import { between, formatTime } from "../format.js";
import { Link } from "../router.js";
import type { Measurement, RolloutDetail, RolloutStep } from "../types.js";
import { Loaded, Status } from "../ui.js";
import { useApi } from "../use-api.js";

/** The rollout page (GET /api/rollouts/:id), refreshed on this rollout's events. */
export function RolloutView({ id }: { id: number }) {
  const rollout = useApi<RolloutDetail>(`/api/rollouts/${id}`);
  useEvents(["rollout."], (e) => e.subject === `rollout:${id}` && rollout.reload());
  return (
    <section aria-labelledby="rollout-title">
      <p>
        <Link href="/deployments">← Deployments</Link>
      </p>
      <Loaded data={rollout.data} error={rollout.error}>
        {(r) => (
          <>
            <h1 id="rollout-title">
              Rollout #{r.id} of {r.project} to {r.environment} <Status value={r.state} />
            </h1>
            <dl className="facts">
              <dt>Kind</dt>
              <dd>{r.kind}</dd>
              <dt>Release</dt>
              <dd>
                #{r.releaseId}
                {r.baselineReleaseId !== null && <> (baseline #{r.baselineReleaseId})</>}
              </dd>
              <dt>Canary weight</dt>
              <dd>{r.weight} %</dd>
              <dt>Started</dt>
              <dd>{formatTime(r.createdAt)}</dd>
              <dt>Duration</dt>
              <dd>{between(r.createdAt, r.finishedAt)}</dd>
              <dt>Message</dt>
              <dd>{r.message || "—"}</dd>
            </dl>
            <h2>Steps</h2>
            {r.steps.length === 0 ? (
              <p className="muted">No step has started yet.</p>
            ) : (
              <ol className="steps">
                {r.steps.map((s) => (
                  <StepItem key={s.idx} step={s} />
                ))}
              </ol>
            )}
          </>
        )}
      </Loaded>
    </section>
  );
}

function StepItem({ step }: { step: RolloutStep }) {
  const { verdict, explanation, measurements, ...rest } = step.detail;
  const facts = Object.entries(rest).filter(([, v]) => v === null || typeof v !== "object");
  return (
    <li className="panel">
      <strong>{step.kind}</strong> <Status value={step.status} />{" "}
      <span className="muted">{between(step.startedAt, step.finishedAt)}</span>
      {facts.length > 0 && <span className="muted"> · {facts.map(([k, v]) => `${k}: ${String(v)}`).join(", ")}</span>}
      {verdict && (
        <p>
          Verdict <Status value={verdict} /> {explanation}
        </p>
      )}
      {measurements && measurements.length > 0 && <Measurements list={measurements} />}
    </li>
  );
}

function Measurements({ list }: { list: Measurement[] }) {
  return (
    <table>
      <caption>Analysis measurements</caption>
      <thead>
        <tr>
          <th scope="col">At</th>
          <th scope="col">Measurement</th>
          <th scope="col">Checks</th>
        </tr>
      </thead>
      <tbody>
        {list.map((m) => (
          <tr key={m.at}>
            <td>{formatTime(new Date(m.at).toISOString())}</td>
            <td>
              <Status value={m.status} />
            </td>
            <td>
              <ul className="plain">
                {m.results.map((c) => (
                  <li key={c.name}>
                    <Status value={c.status} /> <strong>{c.name}</strong> {c.explanation}
                  </li>
                ))}
              </ul>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
