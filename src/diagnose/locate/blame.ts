/**
 * `git blame` of one line: which commit last changed it, who, when, and the first release tag
 * that contains that commit (the release that shipped it), when the repository tags releases.
 */
import { git } from "../../runner/index.js";

/** The commit that last changed a line. */
export interface BlameInfo {
  sha: string;
  author: string;
  /** Author date, ISO-8601. */
  date: string;
  summary: string;
  /** The earliest tag containing the commit, when there is one. */
  release?: string;
}

/** Parses `git blame --porcelain` output for a single line. */
export function parseBlamePorcelain(out: string): BlameInfo | undefined {
  const [head, ...rest] = out.split("\n");
  const sha = /^([0-9a-f]{40,64}) /.exec(head ?? "")?.[1];
  if (!sha || /^0+$/.test(sha)) return undefined; // not committed yet
  const field = (name: string) => rest.find((l) => l.startsWith(`${name} `))?.slice(name.length + 1) ?? "";
  const time = Number(field("author-time"));
  return { sha, author: field("author"), date: new Date(time * 1000).toISOString(), summary: field("summary") };
}

/** Blames `line` of the repository-relative `path` at `rev` (default HEAD); undefined when git cannot. */
export async function blameLine(
  repo: string,
  path: string,
  line: number,
  rev = "HEAD",
): Promise<BlameInfo | undefined> {
  if (!Number.isInteger(line) || line < 1 || rev.startsWith("-")) return undefined;
  try {
    const out = await git(["blame", "--porcelain", "-L", `${line},${line}`, rev, "--", path], {
      cwd: repo,
      timeoutMs: 60_000,
    });
    return parseBlamePorcelain(out);
  } catch {
    return undefined; // line past the end of the file, file not in `rev`, …
  }
}

/** The earliest tag (by creation date) that contains `sha`, or undefined. */
export async function firstReleaseContaining(repo: string, sha: string): Promise<string | undefined> {
  if (!/^[0-9a-f]{7,64}$/.test(sha)) return undefined;
  const out = await git(["tag", "--contains", sha, "--sort=creatordate"], { cwd: repo, timeoutMs: 60_000 }).catch(
    () => "",
  );
  return out.split("\n").find(Boolean);
}
