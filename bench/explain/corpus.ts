/**
 * The failed-build corpus of `bench/explain`, read from clones of two public datasets (bare
 * clones work) in PITCREW_BENCH_DATA (default `~/.cache/pitcrew-bench`) as `master-thesis.git`
 * and `cidiff.git`, or in the directories PITCREW_LOGCHUNKS / PITCREW_CIDIFF; never committed:
 *   - LogChunks (Brandt, Panichella, Zaidman, Beller: "LogChunks: A Data Set for Build Log
 *     Analysis", MSR 2020; github.com/lacinoire/master-thesis, `tool/`): ~800 failed Travis CI
 *     logs of 80 repositories in 29 languages, each labelled with the text chunk that explains
 *     the failure. The chunk is located in the raw log to give the labelled line range.
 *   - cidiff's breakage set (github.com/labri-progress/cidiff, `data/`): failed Maven/GitHub
 *     Actions/GitLab logs with the 1-based line ranges of the error messages (`E` lines).
 * Both are read from git objects (`git ls-tree`, `git cat-file` on HEAD), so no work tree is needed.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { XMLParser } from "fast-xml-parser";

/** One labelled failed log. */
export interface LabelledLog {
  source: "logchunks" | "cidiff";
  id: string;
  language: string;
  text: string;
  /** LogChunks' per-repository failure kind, `<language>/<owner>@<repo>#<category>` (labels.json keys). */
  kind?: string;
  /** 1-based line numbers (counting `\n`) that explain the failure. */
  relevant: Set<number>;
}

const DATA = process.env.PITCREW_BENCH_DATA ?? join(homedir(), ".cache", "pitcrew-bench");
const LOGCHUNKS = process.env.PITCREW_LOGCHUNKS ?? join(DATA, "master-thesis.git");
const CIDIFF = process.env.PITCREW_CIDIFF ?? join(DATA, "cidiff.git");

/** Where each dataset is expected, and whether it is there. */
export function corpusSources(): { name: string; dir: string; present: boolean }[] {
  return [
    { name: "LogChunks", dir: LOGCHUNKS, present: existsSync(LOGCHUNKS) },
    { name: "cidiff", dir: CIDIFF, present: existsSync(CIDIFF) },
  ];
}

const git = (dir: string, ...args: string[]) =>
  execFileSync("git", ["--git-dir", dir, ...args], { maxBuffer: 256 * 1024 * 1024 }).toString("utf8");
const files = (dir: string, under: string) =>
  git(dir, "ls-tree", "-r", "--name-only", "HEAD", under).split("\n").filter(Boolean);

/** Many blobs of HEAD in one `git cat-file --batch` call; a missing path maps to undefined. */
function showAll(dir: string, paths: string[]): Map<string, string> {
  const raw = execFileSync("git", ["--git-dir", dir, "cat-file", "--batch"], {
    input: paths.map((p) => `HEAD:${p}`).join("\n"),
    maxBuffer: 1024 * 1024 * 1024,
  });
  const out = new Map<string, string>();
  let at = 0;
  for (const path of paths) {
    const nl = raw.indexOf(10, at);
    const header = raw.toString("utf8", at, nl);
    at = nl + 1;
    if (header.endsWith("missing")) continue;
    const size = Number(header.split(" ")[2]);
    out.set(path, raw.toString("utf8", at, at + size));
    at += size + 1;
  }
  return out;
}

/** Loads every labelled log that is present. */
export function loadCorpus(): LabelledLog[] {
  const out: LabelledLog[] = [];
  if (existsSync(LOGCHUNKS)) out.push(...loadLogChunks(LOGCHUNKS));
  if (existsSync(CIDIFF)) out.push(...loadCidiff(CIDIFF));
  return out;
}

function loadLogChunks(dir: string): LabelledLog[] {
  const parser = new XMLParser({ isArray: (name) => name === "ExampleDataOfString" || name === "string" });
  const out: LabelledLog[] = [];
  const sets = files(dir, "tool/example-sets/BuildFailureReason").filter((f) => f.endsWith(".xml"));
  const logs = showAll(
    dir,
    files(dir, "tool/samples").filter((f) => f.endsWith(".log")),
  );
  for (const [, xml] of showAll(dir, sets)) {
    const doc = parser.parse(xml);
    const examples =
      doc?.AnalysisProgramOfRegionAnalysisSessionString?.LearningData?.Examples?.ExampleDataOfString ?? [];
    for (const ex of examples) {
      const path = String(ex.InputPath ?? "");
      const chunk = String(ex.Output ?? "");
      if (!path || !chunk.trim()) continue;
      const text = logs.get(`tool/samples/${path}`);
      if (text === undefined) continue;
      const relevant = locateChunk(text, chunk);
      if (relevant.size === 0) continue;
      const kind = `${path.split("/failed/")[0]}#${ex.Category}`;
      out.push({ source: "logchunks", id: path, kind, language: path.split("/")[0]!, text, relevant });
    }
  }
  return out;
}

const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;
/** A raw line as the labeller saw it: each `\r` part with escapes removed, trimmed. */
const views = (raw: string) =>
  raw
    .replace(ANSI, "")
    .split("\r")
    .map((p) => p.trim())
    .filter(Boolean);

/** The line numbers a labelled chunk covers: where its first line occurs and the following lines agree best. */
function locateChunk(text: string, chunk: string): Set<number> {
  const lines = text.split("\n").map(views);
  const want = chunk
    .replace(ANSI, "")
    .split(/\r?\n|\r/)
    .map((l) => l.trim())
    .filter(Boolean);
  if (want.length === 0) return new Set();
  const has = (i: number, w: string) => lines[i]!.some((v) => v.includes(w) || (v.length > 3 && w.includes(v)));
  let best: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!has(i, want[0]!)) continue;
    const hit = [i + 1];
    let j = i + 1;
    for (let k = 1; k < want.length && j < lines.length; k++) {
      while (j < lines.length && lines[j]!.length === 0) j++;
      if (j < lines.length && has(j, want[k]!)) hit.push(++j);
      else break;
    }
    if (hit.length > best.length) best = hit;
    if (best.length === want.length) break;
  }
  return new Set(best);
}

function loadCidiff(dir: string): LabelledLog[] {
  const out: LabelledLog[] = [];
  const truths = files(dir, "data").filter((f) => f.endsWith("/groundtruth"));
  const blobs = showAll(
    dir,
    truths.flatMap((t) => [t, `${t.slice(0, -"groundtruth".length)}fail.log`]),
  );
  for (const truth of truths) {
    const base = truth.slice(0, -"groundtruth".length);
    const text = blobs.get(`${base}fail.log`);
    if (text === undefined) continue;
    const relevant = new Set<number>();
    for (const row of (blobs.get(truth) ?? "").split("\n")) {
      const m = /^E\s+(\d+)(?:-(\d+))?/.exec(row.trim());
      if (!m) continue;
      for (let n = Number(m[1]); n <= Number(m[2] ?? m[1]); n++) relevant.add(n);
    }
    if (relevant.size === 0) continue;
    out.push({ source: "cidiff", id: base.replace(/\/$/, ""), language: "java", text, relevant });
  }
  return out;
}
