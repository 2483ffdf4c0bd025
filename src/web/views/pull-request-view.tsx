/** One pull request of pitcrew's forge: its checks, commits, comments and the diff, refreshed live. */
import { useEvents } from "../events.js";
import { formatTime } from "../format.js";
import type { PullRequestDetail } from "../types.js";
import { Loaded, Status } from "../ui.js";
import { useApi } from "../use-api.js";

/** The pull request page (GET /api/forge/:repo/pulls/:number). */
export function PullRequestView({ repo, number }: { repo: string; number: number }) {
  const pr = useApi<PullRequestDetail>(`/api/forge/${encodeURIComponent(repo)}/pulls/${number}`);
  useEvents(["pr."], () => pr.reload());
  return (
    <section aria-labelledby="pr-title">
      <Loaded data={pr.data} error={pr.error}>
        {(p) => (
          <>
            <h1 id="pr-title">
              {p.repo}#{p.number}: {p.title} <Status value={p.state} />
            </h1>
            <dl className="facts">
              <dt>Branch</dt>
              <dd>
                <code>{p.headBranch}</code> → <code>{p.baseBranch}</code>
              </dd>
              <dt>Author</dt>
              <dd>{p.author}</dd>
              <dt>Merged by</dt>
              <dd>{p.mergedBy ?? "—"}</dd>
            </dl>
            <h2>Checks</h2>
            <ul className="plain">
              {p.checks.map((c) => (
                <li key={c.name}>
                  <Status value={c.status} /> <code>{c.name}</code> {c.summary ?? ""}{" "}
                  <span className="muted">{formatTime(c.updatedAt)}</span>
                </li>
              ))}
              {p.checks.length === 0 && <li className="muted">no checks yet</li>}
            </ul>
            {p.body && (
              <>
                <h2>Description</h2>
                <pre className="prose">{p.body}</pre>
              </>
            )}
            <h2>Commits</h2>
            <ul className="plain">
              {p.commits.map((c) => (
                <li key={c.sha}>
                  <code>{c.sha.slice(0, 8)}</code> {c.subject} <span className="muted">{c.author}</span>
                </li>
              ))}
            </ul>
            <h2>Diff</h2>
            <pre className="diff">
              {diffLines(p.diff).map(({ at, line }) => (
                <span key={at} className={lineClass(line)}>
                  {line}
                  {"\n"}
                </span>
              ))}
            </pre>
          </>
        )}
      </Loaded>
    </section>
  );
}

/** The diff's lines, each with its offset in the text (a stable key). */
function diffLines(diff: string): { at: number; line: string }[] {
  let at = 0;
  return diff.split("\n").map((line) => {
    const entry = { at, line };
    at += line.length + 1;
    return entry;
  });
}

function lineClass(line: string): string | undefined {
  if (line.startsWith("+++") || line.startsWith("---")) return "file";
  if (line.startsWith("+")) return "added";
  if (line.startsWith("-")) return "removed";
  if (line.startsWith("@@")) return "hunk";
  return undefined;
}
