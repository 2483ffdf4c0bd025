/**
 * The repair corpus (test/fixtures/repair-corpus/<case-id>/): reads each case's `case.json` and
 * `trace.txt`, checks the case is well-formed, and builds its git repository in a temp directory
 * — from `history` (one commit per entry, dated as given or, when undated, in the hours before
 * now) or else from the files of `repo/` in one commit. See the corpus README for the format.
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Diagnosis } from "../../src/diagnose/index.js";
import type { FixerKind, ReproductionInput } from "../../src/repair/index.js";
import { parseReplay } from "../../src/repair/index.js";

/** Where the cases live. */
export const CORPUS_DIR = join(import.meta.dirname, "../../test/fixtures/repair-corpus");

/** Languages of the corpus. */
export type CaseLanguage = "javascript" | "python" | "java" | "go";

/** Kinds of failure the corpus covers. */
export type CaseKind =
  | "null-guard"
  | "div-zero"
  | "index"
  | "missing-key"
  | "parse"
  | "unawaited"
  | "config"
  | "revert";

/** One commit of a case's history; a `null` file text deletes the file. */
export interface HistoryCommit {
  message: string;
  files: Record<string, string | null>;
  /** `Name <email>`. */
  author?: string;
  /** ISO 8601; undated commits are placed in the hours before now. */
  date?: string;
}

/** A case as stored in `case.json`, with its trace. */
export interface CorpusCase {
  id: string;
  language: CaseLanguage;
  kind: CaseKind;
  service: string;
  description: string;
  expected: { suspect: { file: string; line: number }; fixer: FixerKind };
  request?: ReproductionInput;
  diagnosis?: Diagnosis;
  history?: HistoryCommit[];
  traceSource?: "recorded" | "handwritten";
  /** The case's directory. */
  dir: string;
  trace: string;
}

/**
 * How a patch for the case can be proven: a replayed request, the project's tests, or not at all
 * (a Java or Go repository without a test command declared in its `pitcrew.repair.yaml`).
 */
export function validationOf(c: CorpusCase): "replay" | "tests" | "parse-only" {
  const declared = /^test:/m.test(finalFile(c, "pitcrew.repair.yaml") ?? "");
  if ((c.language === "java" || c.language === "go") && !declared) return "parse-only";
  return c.request ? "replay" : "tests";
}

const LANGUAGES = new Set(["javascript", "python", "java", "go"]);
const KINDS = new Set(["null-guard", "div-zero", "index", "missing-key", "parse", "unawaited", "config", "revert"]);

/** Reads one case; throws an Error naming each problem of a malformed one. */
export function readCase(dir: string): CorpusCase {
  const raw = JSON.parse(readFileSync(join(dir, "case.json"), "utf8")) as Omit<CorpusCase, "dir" | "trace">;
  const problems: string[] = [];
  if (!raw.id || raw.id !== dir.split("/").at(-1)) problems.push(`id ${raw.id} is not the directory name`);
  if (!LANGUAGES.has(raw.language)) problems.push(`unknown language ${raw.language}`);
  if (!KINDS.has(raw.kind)) problems.push(`unknown kind ${raw.kind}`);
  if (!raw.expected?.suspect?.file || !(raw.expected.suspect.line > 0))
    problems.push("expected.suspect needs file and line");
  if (!["pattern", "config", "revert", "llm"].includes(raw.expected?.fixer))
    problems.push("expected.fixer is no fixer kind");
  if (!raw.history && !existsSync(join(dir, "repo"))) problems.push("neither history nor repo/");
  const request = raw.request ? parseReplay(raw.request, `${raw.id}: request`) : undefined;
  const trace = existsSync(join(dir, "trace.txt")) ? readFileSync(join(dir, "trace.txt"), "utf8") : "";
  if (!trace.trim()) problems.push("trace.txt is missing or empty");
  if (problems.length) throw new Error(`${dir}: ${problems.join("; ")}`);
  return { ...raw, request, dir, trace };
}

/** All cases, sorted by id; `only` keeps the ones with those ids. */
export function loadCorpus(only: readonly string[] = []): CorpusCase[] {
  const ids = readdirSync(CORPUS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(CORPUS_DIR, d.name, "case.json")))
    .map((d) => d.name)
    .sort();
  const unknown = only.filter((id) => !ids.includes(id));
  if (unknown.length) throw new Error(`no such case: ${unknown.join(", ")}`);
  return ids.filter((id) => only.length === 0 || only.includes(id)).map((id) => readCase(join(CORPUS_DIR, id)));
}

/** The text of a file of the case's final tree (the last commit touching it, or `repo/`). */
export function finalFile(c: CorpusCase, path: string): string | undefined {
  if (!c.history) {
    const full = join(c.dir, "repo", path);
    return existsSync(full) ? readFileSync(full, "utf8") : undefined;
  }
  const last = c.history.findLast((commit) => path in commit.files);
  return last?.files[path] ?? undefined;
}

/** Builds the case's git repository (branch `main`) in a new temp directory and returns its path. */
export function buildRepo(c: CorpusCase, now = Date.now()): string {
  const dir = mkdtempSync(join(tmpdir(), `pitcrew-corpus-${c.id}-`));
  const git = (args: string[], env: Record<string, string> = {}) =>
    execFileSync("git", args, { cwd: dir, stdio: "pipe", env: { ...process.env, ...env } });
  git(["init", "-q", "-b", "main"]);
  const commits: HistoryCommit[] = c.history ?? [{ message: `${c.service}: current release`, files: {} }];
  if (!c.history) cpSync(join(c.dir, "repo"), dir, { recursive: true, filter: (p) => !/__pycache__/.test(p) });
  commits.forEach((commit, i) => {
    for (const [path, text] of Object.entries(commit.files)) {
      const full = join(dir, path);
      if (text === null) rmSync(full, { force: true });
      else {
        mkdirSync(dirname(full), { recursive: true });
        writeFileSync(full, text);
      }
    }
    const m = /^(.*?)\s*<([^>]+)>$/.exec(commit.author ?? "");
    const date = commit.date ?? new Date(now - (commits.length - i) * 3_600_000).toISOString();
    const who = { name: m?.[1] ?? "Corpus Author", email: m?.[2] ?? "author@acme.test" };
    git(["add", "-A"]);
    git(["commit", "-q", "--allow-empty", "-m", commit.message], {
      GIT_AUTHOR_NAME: who.name,
      GIT_AUTHOR_EMAIL: who.email,
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_NAME: who.name,
      GIT_COMMITTER_EMAIL: who.email,
      GIT_COMMITTER_DATE: date,
    });
  });
  return dir;
}
