/** The run page's "Why it failed": per failed job, its cause class and the lines that explain it, linked into the log. */
import type { RunExplanation } from "../types.js";

/** How many explaining lines of a job the run page lists (the API holds up to 50). */
const SHOWN_LINES = 5;

/** The anchor of one line of a job attempt's log on the run page. */
export function logLineId(jobId: number, attempt: number, line: number): string {
  return `log-${jobId}-${attempt}-${line}`;
}

/** The explanation section; nothing when no failed job is explained (yet). */
export function RunExplanationSection({ explanation }: { explanation: RunExplanation | undefined }) {
  if (!explanation || explanation.jobs.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="why-title">
      <h2 id="why-title">Why it failed</h2>
      {explanation.jobs.map((j) => (
        <article key={`${j.jobId}-${j.attempt}`} aria-label={`why ${j.name} failed`}>
          <h3>
            {j.name}: <strong>{j.category}</strong>{" "}
            <span className="muted">
              confidence {Math.round(j.confidence * 100)} % · attempt {j.attempt}
              {j.comparedRuns.length > 0 && ` · compared with ${j.comparedRuns.length} successful runs`}
            </span>
          </h3>
          {j.failedTests.length > 0 && (
            <p>
              Failed tests: <code>{j.failedTests.slice(0, 10).join(", ")}</code>
              {j.failedTests.length > 10 && ` and ${j.failedTests.length - 10} more`}
            </p>
          )}
          <ol className="plain explained">
            {j.lines.slice(0, SHOWN_LINES).map((l) => (
              <li key={l.line}>
                <a href={`#${logLineId(j.jobId, j.attempt, l.line)}`}>line {l.line}</a> <code>{l.text}</code>{" "}
                <span className="muted">
                  score {l.score.toFixed(2)}
                  {l.evidence.signals.length > 0 && ` · ${l.evidence.signals.join(", ")}`}
                </span>
              </li>
            ))}
          </ol>
        </article>
      ))}
    </section>
  );
}
