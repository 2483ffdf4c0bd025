/** Tests: per project, the slowest and flakiest tests from the stored history, and each test step's selection. */
import { useState } from "react";
import { useEvents } from "../events.js";
import { formatDuration, formatTime } from "../format.js";
import { Link } from "../router.js";
import type { FlakyTest, Project, SlowTest, TestSelection } from "../types.js";
import { Loaded, Status } from "../ui.js";
import { useApi } from "../use-api.js";
import { selectionRate, timeSaved } from "./test-selection-facts.js";

const PAGE = 20;

/** The tests page (GET /api/projects, then the project's tests/slowest, tests/flaky and tests/selections). */
export function TestsView({ project }: { project?: string }) {
  const projects = useApi<{ projects: Project[] }>("/api/projects");
  return (
    <section aria-labelledby="tests-title">
      <h1 id="tests-title">Tests{project ? ` of ${project}` : ""}</h1>
      <Loaded data={projects.data} error={projects.error}>
        {({ projects: list }) =>
          list.length === 0 ? (
            <p className="muted">No projects yet, so no tests.</p>
          ) : (
            <>
              <nav aria-label="projects" className="choices">
                {list.map((p) => (
                  <Link
                    key={p.id}
                    href={`/tests/${encodeURIComponent(p.name)}`}
                    aria-current={p.name === project ? "page" : undefined}
                  >
                    {p.name}
                  </Link>
                ))}
              </nav>
              {project ? (
                <ProjectTests project={project} />
              ) : (
                <p className="muted">Choose a project to see its slowest and flakiest tests and its test selections.</p>
              )}
            </>
          )
        }
      </Loaded>
    </section>
  );
}

function ProjectTests({ project }: { project: string }) {
  const p = encodeURIComponent(project);
  const slowest = useApi<{ tests: SlowTest[] }>(`/api/projects/${p}/tests/slowest?limit=${PAGE}`);
  const flaky = useApi<{ tests: FlakyTest[] }>(`/api/projects/${p}/tests/flaky`);
  useEvents(["run."], () => {
    slowest.reload();
    flaky.reload();
  });
  return (
    <>
      <h2>Test selections</h2>
      <Selections project={project} />
      <h2>Slowest tests</h2>
      <Loaded data={slowest.data} error={slowest.error}>
        {({ tests }) =>
          tests.length === 0 ? (
            <p className="muted">No measured test in the latest runs.</p>
          ) : (
            <table aria-label="slowest tests">
              <thead>
                <tr>
                  <th scope="col">Test</th>
                  <th scope="col">Mean duration</th>
                  <th scope="col">Runs</th>
                  <th scope="col">Failures</th>
                </tr>
              </thead>
              <tbody>
                {tests.map((t) => (
                  <tr key={t.id}>
                    <td>
                      <code>{t.id}</code>
                    </td>
                    <td>{formatDuration(t.durationMs)}</td>
                    <td>{t.runs}</td>
                    <td>{t.failures}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loaded>
      <h2>Flakiest tests</h2>
      <Loaded data={flaky.data} error={flaky.error}>
        {({ tests }) =>
          tests.length === 0 ? (
            <p className="muted">No test shows signs of flakiness in the latest runs.</p>
          ) : (
            <table aria-label="flakiest tests">
              <thead>
                <tr>
                  <th scope="col">Test</th>
                  <th scope="col">Flakiness</th>
                  <th scope="col">Fail-and-pass runs</th>
                  <th scope="col">Evidence</th>
                </tr>
              </thead>
              <tbody>
                {tests.slice(0, PAGE).map((t) => (
                  <tr key={t.id}>
                    <td>
                      <code>{t.id}</code> {t.flaky && <Status value="flaky" />}
                    </td>
                    <td>
                      {t.score.toFixed(2)}{" "}
                      <span className="muted">
                        ({t.failures} of {t.runs} runs failed)
                      </span>
                    </td>
                    <td>{t.mixedRuns}</td>
                    <td>{t.reason ?? (t.evidence.length ? t.evidence.join("; ") : `${t.blips} blip(s)`)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loaded>
    </>
  );
}

/** The project's test selections, newest first, a page at a time. */
function Selections({ project }: { project: string }) {
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1);
  const p = encodeURIComponent(project);
  const page = useApi<{ selections: TestSelection[]; next: string | null }>(
    `/api/projects/${p}/tests/selections?limit=${PAGE}${cursor ? `&cursor=${cursor}` : ""}`,
  );
  useEvents(["job."], () => cursors.length === 0 && page.reload());
  return (
    <Loaded data={page.data} error={page.error}>
      {({ selections, next }) =>
        selections.length === 0 && cursors.length === 0 ? (
          <p className="muted">
            No test step has made a selection yet (a step with a <code>tests:</code> block stores one).
          </p>
        ) : (
          <>
            <table aria-label="test selections">
              <thead>
                <tr>
                  <th scope="col">Run</th>
                  <th scope="col">Step</th>
                  <th scope="col">Mode</th>
                  <th scope="col">Files run</th>
                  <th scope="col">Test time saved</th>
                  <th scope="col">Skipped</th>
                  <th scope="col">At</th>
                </tr>
              </thead>
              <tbody>
                {selections.map((s) => (
                  <tr key={s.id}>
                    <td>
                      <Link href={`/runs/${s.runId}`}>#{s.runId}</Link>
                    </td>
                    <td>
                      job {s.jobId} · attempt {s.attempt} · step {s.step}
                    </td>
                    <td>
                      {s.mode}
                      {s.fallback && <span className="muted"> (fell back: {s.fallback})</span>}
                    </td>
                    <td>{selectionRate(s)}</td>
                    <td>{timeSaved(s)}</td>
                    <td>
                      <Link href={`/tests/${p}/selections/${s.id}`}>
                        {s.skippedCount === 0 ? "none: details" : `${s.skippedCount} skipped file(s), with reasons`}
                      </Link>
                    </td>
                    <td>{formatTime(s.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p>
              {cursors.length > 0 && (
                <button type="button" className="link" onClick={() => setCursors(cursors.slice(0, -1))}>
                  Newer selections
                </button>
              )}{" "}
              {next && (
                <button type="button" className="link" onClick={() => setCursors([...cursors, next])}>
                  Older selections
                </button>
              )}
            </p>
          </>
        )
      }
    </Loaded>
  );
}
