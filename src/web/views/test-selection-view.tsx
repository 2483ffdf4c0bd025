/** One test step's selection: files run of all, time saved, and every skipped file with its reason. */
import { formatTime } from "../format.js";
import { Link } from "../router.js";
import type { TestSelectionDetail } from "../types.js";
import { Loaded } from "../ui.js";
import { useApi } from "../use-api.js";
import { selectionRate, timeSaved } from "./test-selection-facts.js";

/** The selection page (GET /api/projects/:p/tests/selections/:id). */
export function TestSelectionView({ project, id }: { project: string; id: number }) {
  const p = encodeURIComponent(project);
  const sel = useApi<TestSelectionDetail>(`/api/projects/${p}/tests/selections/${id}`);
  return (
    <section aria-labelledby="selection-title">
      <h1 id="selection-title">Test selection #{id}</h1>
      <Loaded data={sel.data} error={sel.error}>
        {(s) => (
          <>
            <dl className="facts">
              <dt>Run</dt>
              <dd>
                <Link href={`/runs/${s.runId}`}>#{s.runId}</Link> · job {s.jobId} · attempt {s.attempt} · step {s.step}
              </dd>
              <dt>Mode</dt>
              <dd>{s.mode}</dd>
              <dt>Files run</dt>
              <dd>{selectionRate(s)}</dd>
              <dt>Test time saved</dt>
              <dd>{timeSaved(s)}</dd>
              <dt>Advice</dt>
              <dd>{s.summary}</dd>
              {s.fallback && (
                <>
                  <dt>Fell back</dt>
                  <dd>{s.fallback}</dd>
                </>
              )}
              <dt>Made</dt>
              <dd>{formatTime(s.createdAt)}</dd>
            </dl>
            <h2>Skipped test files</h2>
            {s.skippedCount === 0 ? (
              <p className="muted">No test file was skipped: every one ran.</p>
            ) : (
              <>
                <table aria-label="skipped test files">
                  <thead>
                    <tr>
                      <th scope="col">File</th>
                      <th scope="col">Why it was skipped</th>
                    </tr>
                  </thead>
                  <tbody>
                    {s.skipped.map((k) => (
                      <tr key={k.file}>
                        <td>
                          <code>{k.file}</code>
                        </td>
                        <td>{k.detail}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                {s.skippedCount > s.skipped.length && (
                  <p className="muted">
                    … and {s.skippedCount - s.skipped.length} more skipped file(s), not listed (the first{" "}
                    {s.skipped.length} are kept).
                  </p>
                )}
              </>
            )}
            <p>
              <Link href={`/tests/${p}`}>All test selections of {project}</Link>
            </p>
          </>
        )}
      </Loaded>
    </section>
  );
}
