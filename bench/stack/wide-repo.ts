/**
 * What `--repo` adds to `pitcrew stack` on the wide Defects4J selection, for the projects whose
 * git history is at hand: each bug's trace is ranked from the trace alone and again against a
 * checkout of the project at the bug's buggy revision (`revision.id.buggy`), "now" being that
 * commit's date — so blame recency, the files changed in the 30 days before and the commits that
 * last changed the suspect lines count as shipped (default `--since 30`, blame of the top five).
 * No `--release` range: Defects4J does not say which release shipped the bug.
 *
 * Reads the Defects4J checkout of PITCREW_DEFECTS4J_DIR (see wide.ts) and, from
 * PITCREW_DEFECTS4J_REPOS (`Lang=/path/to/commons-lang.git,Jsoup=/path/to/jsoup.git`), one git
 * repository per project with its history; each is cloned (shared objects) into a temporary
 * directory and checked out bug by bug (blobs missing from a partial copy are skipped). Run:
 * `npm run bench:stack-wide-repo`.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyzeStack } from "../../src/diagnose/index.js";
import { appCode, chainFrames, type Defects4jCase, isFixed, loadDefects4j } from "./defects4j.js";

const dir = process.env.PITCREW_DEFECTS4J_DIR;
const repos = new Map(
  (process.env.PITCREW_DEFECTS4J_REPOS ?? "")
    .split(",")
    .filter(Boolean)
    .map((kv) => kv.split("=") as [string, string]),
);
if (!dir || !repos.size) {
  console.error("set PITCREW_DEFECTS4J_DIR and PITCREW_DEFECTS4J_REPOS=Project=/path/to/repo.git,…");
  process.exit(2);
}

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();

/**
 * Checks out `rev`; a snapshot may lack some large blobs (test archives), which git reports as
 * an error after moving HEAD and writing every other file — fine for ranking source frames.
 */
function checkout(clone: string, rev: string): void {
  try {
    git(clone, "checkout", "--quiet", "--force", "--detach", rev);
  } catch (e) {
    if (git(clone, "rev-parse", "HEAD") !== git(clone, "rev-parse", `${rev}^{commit}`)) throw e;
  }
}

/** Hits of one ranking over the cases: top-1 and top-3 file. */
interface Score {
  top1: number;
  top3: number;
}
const tally = () => ({ top1: 0, top3: 0 });
const add = (s: Score, c: Defects4jCase, files: string[]) => {
  s.top1 += files[0] && isFixed(c, files[0]) ? 1 : 0;
  s.top3 += files.slice(0, 3).some((f) => isFixed(c, f)) ? 1 : 0;
};

const work = mkdtempSync(join(tmpdir(), "pitcrew-d4j-repo-"));
const rows: string[] = [];
const changed: string[] = [];
const total = { n: 0, trace: tally(), repo: tally() };
try {
  for (const [project, source] of repos) {
    const clone = join(work, project);
    execFileSync("git", ["clone", "--quiet", "--shared", "--no-checkout", source, clone]);
    const row = { n: 0, trace: tally(), repo: tally() };
    for (const c of loadDefects4j(dir).filter((x) => x.project === project)) {
      const alone = await analyzeStack(c.trace, { app: c.app }).catch(() => undefined);
      if (!alone || !chainFrames(alone.trace).some(appCode)) continue;
      checkout(clone, c.buggyRevision);
      const now = Number(git(clone, "log", "-1", "--format=%ct", c.buggyRevision)) * 1000;
      const withRepo = await analyzeStack(c.trace, { app: c.app, repo: clone, now });
      const before = alone.files.map((f) => f.file);
      const after = withRepo.files.map((f) => f.file);
      for (const r of [row, total]) {
        r.n++;
        add(r.trace, c, before);
        add(r.repo, c, after);
      }
      for (const [label, k] of [
        ["top-1", 1],
        ["top-3", 3],
      ] as const) {
        const hit = (files: string[]) => (files.slice(0, k).some((f) => isFixed(c, f)) ? "hit" : "miss");
        if (hit(before) !== hit(after))
          changed.push(
            `${project}-${c.bug}: ${label} ${hit(before)} → ${hit(after)} (top 3 ${after.slice(0, 3).join(", ")}; without --repo ${before.slice(0, 3).join(", ")})`,
          );
      }
    }
    rows.push(
      `| ${project} | ${row.n} | ${row.trace.top1} / ${row.trace.top3} | ${row.repo.top1} / ${row.repo.top3} |`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log("| project | traces | trace only: top-1 / top-3 hits | with --repo at the buggy revision |");
console.log("| --- | ---: | ---: | ---: |");
for (const r of rows) console.log(r);
const ratio = (a: number) => (a / total.n).toFixed(3);
console.log(
  `| all | ${total.n} | ${ratio(total.trace.top1)} / ${ratio(total.trace.top3)} | ${ratio(total.repo.top1)} / ${ratio(total.repo.top3)} |`,
);
console.log(
  changed.length ? `\nchanged by --repo:\n${changed.join("\n")}` : "\n--repo changed no top-1 or top-3 outcome",
);
