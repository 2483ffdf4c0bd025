/** One run: why it failed (when it did), its jobs, steps and quality gates, and its log lines streamed live. */
import { useEffect, useState } from "react";
import { type ApiError, openSse } from "../api.js";
import { useEvents } from "../events.js";
import { between, formatTime } from "../format.js";
import { Link } from "../router.js";
import type { Job, Project, RunDetail, RunExplanation, TestSelection } from "../types.js";
import { ErrorNote, Loaded, Status } from "../ui.js";
import { useApi } from "../use-api.js";
import { logLineId, RunExplanationSection } from "./run-explanation.js";
import { selectionRate, timeSaved } from "./test-selection-facts.js";

interface LogLine {
  jobId: number;
  attempt: number;
  step: number;
  seq: number;
  stream: string;
  line: string;
}

/** The run page (GET /api/runs/:id and GET /api/runs/:id/logs/stream). */
export function RunView({ id }: { id: number }) {
  const run = useApi<RunDetail>(`/api/runs/${id}`);
  const logs = useLogStream(id, run.reload);
  const failed = run.data !== undefined && run.data.status !== "success" && run.data.finishedAt !== null;
  const why = useApi<RunExplanation>(failed ? `/api/runs/${id}/explanation` : null);
  const projectId = run.data?.projectId;
  const projects = useApi<{ projects: Project[] }>(projectId === undefined ? null : "/api/projects");
  const project = projects.data?.projects.find((p) => p.id === projectId)?.name ?? projectId;
  const selections = useApi<{ selections: TestSelection[] }>(
    projectId === undefined ? null : `/api/projects/${projectId}/tests/selections?run=${id}&limit=500`,
  );
  useEvents(["run.", "job.", "step."], (e) => {
    if (e.subject !== `run:${id}`) return;
    if (e.type === "job.explained") why.reload();
    else {
      run.reload();
      if (e.type.startsWith("step.")) selections.reload();
    }
  });
  return (
    <section aria-labelledby="run-title">
      <Loaded data={run.data} error={run.error}>
        {(r) => (
          <>
            <h1 id="run-title">
              Run #{r.id} <Status value={r.status} />
            </h1>
            <dl className="facts">
              <dt>Pipeline</dt>
              <dd>{r.pipeline ?? "—"}</dd>
              <dt>Event</dt>
              <dd>{r.event}</dd>
              <dt>Branch</dt>
              <dd>{r.branch ?? "—"}</dd>
              <dt>Commit</dt>
              <dd>
                <code>{r.commit ?? "—"}</code>
              </dd>
              <dt>Triggered by</dt>
              <dd>{r.triggeredBy}</dd>
              <dt>Started</dt>
              <dd>{formatTime(r.startedAt)}</dd>
              <dt>Duration</dt>
              <dd>{between(r.startedAt, r.finishedAt)}</dd>
              {r.reason && (
                <>
                  <dt>Reason</dt>
                  <dd>{r.reason}</dd>
                </>
              )}
            </dl>
            {r.gates && r.gates.length > 0 && (
              <>
                <h2>Quality gates</h2>
                <ul className="plain">
                  {r.gates.map((g) => (
                    <li key={g.gate}>
                      <Status value={g.passed ? "passed" : "failed"} /> <strong>{g.gate}</strong> {g.reason}
                    </li>
                  ))}
                </ul>
              </>
            )}
            <RunExplanationSection explanation={why.data} />
            <h2>Jobs</h2>
            {r.jobs.map((j) => (
              <JobPanel
                key={j.id}
                job={j}
                lines={logs.lines.filter((l) => l.jobId === j.id && l.attempt === j.attempt)}
                selections={(selections.data?.selections ?? []).filter(
                  (sel) => sel.jobId === j.id && sel.attempt === j.attempt,
                )}
                selectionHref={(sel) => `/tests/${encodeURIComponent(String(project))}/selections/${sel.id}`}
                explained={
                  new Set(
                    why.data?.jobs
                      .find((e) => e.jobId === j.id && e.attempt === j.attempt)
                      ?.lines.filter((l) => l.evidence.signals.length > 0)
                      .map((l) => l.line),
                  )
                }
              />
            ))}
            {logs.error && <ErrorNote error={logs.error} />}
          </>
        )}
      </Loaded>
    </section>
  );
}

function JobPanel({
  job,
  lines,
  explained,
  selections,
  selectionHref,
}: {
  job: Job;
  lines: LogLine[];
  explained: ReadonlySet<number>;
  selections: TestSelection[];
  selectionHref: (s: TestSelection) => string;
}) {
  return (
    <article className="panel">
      <h3>
        {job.name} <Status value={job.status} />{" "}
        <span className="muted">
          attempt {job.attempt} · {between(job.startedAt, job.finishedAt)}
        </span>
      </h3>
      {job.reason && <p>{job.reason}</p>}
      <ol className="steps">
        {job.steps.map((s) => (
          <li key={s.idx}>
            <Status value={s.status} /> {s.name}
            {s.exitCode !== null && s.exitCode !== 0 && <span className="muted"> (exit {s.exitCode})</span>}
            {s.reason && <span className="muted"> — {s.reason}</span>}
            {selections
              .filter((sel) => sel.step === s.idx)
              .map((sel) => (
                <span key={sel.id}>
                  {" "}
                  · <Link href={selectionHref(sel)}>test selection: {selectionRate(sel)}</Link>
                  <span className="muted">, saved {timeSaved(sel)}</span>
                </span>
              ))}
          </li>
        ))}
      </ol>
      <pre className="log" role="log" aria-label={`log of ${job.name}`}>
        {lines.length === 0
          ? "(no output yet)"
          : lines.map((l, i) => (
              <span
                key={`${l.attempt}-${l.seq}`}
                id={logLineId(job.id, l.attempt, i + 1)}
                className={
                  [l.stream === "stderr" && "stderr", explained.has(i + 1) && "explained"].filter(Boolean).join(" ") ||
                  undefined
                }
              >
                {l.line}
                {"\n"}
              </span>
            ))}
      </pre>
    </article>
  );
}

/** Follows the run's log stream; `onEnd` is called when the run finishes. */
function useLogStream(id: number, onEnd: () => void) {
  const [lines, setLines] = useState<LogLine[]>([]);
  const [error, setError] = useState<ApiError>();
  // biome-ignore lint/correctness/useExhaustiveDependencies: one stream per run id
  useEffect(() => {
    setLines([]);
    let batch: LogLine[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      const add = batch;
      batch = [];
      timer = undefined;
      setLines((old) => old.concat(add));
    };
    const close = openSse(`/api/runs/${id}/logs/stream`, {
      reconnect: false,
      onError: setError,
      onMessage: (m) => {
        if (m.event === "line") {
          batch.push(m.data as LogLine);
          timer ??= setTimeout(flush, 50);
        } else if (m.event === "end") {
          onEnd();
        }
      },
    });
    return () => {
      close();
      clearTimeout(timer);
    };
  }, [id]);
  return { lines, error };
}
