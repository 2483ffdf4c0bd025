/** One incident: its signals, its timeline and the heal that answers it, step by step. */
import { useEvents } from "../events.js";
import { formatDuration, formatTime } from "../format.js";
import { Link } from "../router.js";
import type { Heal, IncidentDetail } from "../types.js";
import { ErrorNote, Loaded, Status } from "../ui.js";
import { useApi } from "../use-api.js";

/** The incident page (GET /api/incidents/:id and GET /api/incidents/:id/heal), refreshed live. */
export function IncidentView({ id }: { id: number }) {
  const incident = useApi<IncidentDetail>(`/api/incidents/${id}`);
  const heal = useApi<Heal>(`/api/incidents/${id}/heal`);
  useEvents(["incident.", "heal."], () => {
    incident.reload();
    heal.reload();
  });
  return (
    <section aria-labelledby="incident-title">
      <p>
        <Link href="/incidents">← Incidents</Link>
      </p>
      <Loaded data={incident.data} error={incident.error}>
        {(i) => (
          <>
            <h1 id="incident-title">
              Incident #{i.id}: {i.title} <Status value={i.status} />
            </h1>
            <dl className="facts">
              <dt>Severity</dt>
              <dd>{i.severity}</dd>
              <dt>Services</dt>
              <dd>{i.services.join(", ")}</dd>
              <dt>Opened</dt>
              <dd>{formatTime(i.openedAt)}</dd>
              <dt>Resolved</dt>
              <dd>{formatTime(i.resolvedAt)}</dd>
            </dl>
            <h2>Signals</h2>
            <ul className="plain">
              {i.signals.map((s) => (
                <li key={`${s.kind}:${s.key}`}>
                  <Status value={s.status} /> {s.kind} <code>{s.key}</code> on {s.service}{" "}
                  <span className="muted">{formatTime(s.at)}</span>
                </li>
              ))}
            </ul>
            <h2>Timeline</h2>
            <ol className="timeline">
              {i.timeline.map((e) => (
                <li key={e.id}>
                  <span className="muted">{formatTime(e.at)}</span> <strong>{e.type}</strong> {summary(e.data)}
                </li>
              ))}
            </ol>
          </>
        )}
      </Loaded>
      <h2>Heal</h2>
      {heal.error?.status === 404 ? (
        <p className="muted">No heal was started for this incident.</p>
      ) : heal.error ? (
        <ErrorNote error={heal.error} />
      ) : (
        heal.data && <HealTimeline heal={heal.data} />
      )}
    </section>
  );
}

function HealTimeline({ heal }: { heal: Heal }) {
  return (
    <article className="panel">
      <p>
        Heal #{heal.id} <Status value={heal.state} /> {heal.kind && <>by {heal.kind}</>} · attempts {heal.attempts}
        {heal.mttrMs !== null && <> · restored in {formatDuration(heal.mttrMs)}</>}
      </p>
      {heal.reason && <p>{heal.reason}</p>}
      {heal.data.pr && (
        <p>
          Pull request:{" "}
          <Link href={`/pulls/${encodeURIComponent(heal.data.pr.repo)}/${heal.data.pr.number}`}>
            {heal.data.pr.repo}#{heal.data.pr.number}
            {heal.data.pr.title ? ` — ${heal.data.pr.title}` : ""}
          </Link>
        </p>
      )}
      {heal.data.diagnosis?.report?.hypotheses?.length ? (
        <>
          <h3>Diagnosis</h3>
          <ol className="plain">
            {heal.data.diagnosis.report.hypotheses.map((h) => (
              <li key={h.kind}>
                <strong>{h.kind.replace("_", " ")}</strong> ({Math.round(h.confidence * 100)} %): {h.explanation}
                <ul>
                  {h.evidence.map((e) => (
                    <li key={`${e.kind}:${e.summary}`} className="muted">
                      {e.kind}: {e.summary}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ol>
        </>
      ) : null}
      <ol className="timeline">
        {heal.timeline.map((t) => (
          <li key={t.id}>
            <span className="muted">{formatTime(t.at)}</span> {t.from ? <Status value={t.from} /> : "start"} →{" "}
            <Status value={t.to} /> {t.note}
          </li>
        ))}
      </ol>
    </article>
  );
}

/** The scalar fields of a timeline entry (its time is shown apart), as `key: value` pairs. */
function summary(data: Record<string, unknown>): string {
  return Object.entries(data)
    .filter(([k, v]) => k !== "at" && v !== null && typeof v !== "object")
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join(", ");
}
