/**
 * BugsInPy cases (metadata from the soarsmu/BugsInPy mirror, code from the projects' mirrors):
 * checks the buggy commit out into the case directory, adds the fix commit's test files on top
 * (as BugsInPy does), and names the pytest commands: the failing tests of `run_test.sh` (with
 * native tracebacks) to record the failure, and the fix's whole test files as the oracle.
 * Dependencies come from Debian's python3 packages (no PyPI here).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { PreparedCase } from "./chain.js";
import { gitOut } from "./js.js";

const META = "/work/.mirror/soarsmu+BugsInPy/repo";
/** The project mirrors BugsInPy's metadata is read against. */
const MIRRORS: Record<string, string> = {
  "youtube-dl": "/work/.mirror/ytdl-org+youtube-dl/repo",
  thefuck: "/work/.mirror/nvbn+thefuck/repo",
  tqdm: "/work/.mirror/tqdm+tqdm/repo",
  PySnooper: "/work/.mirror/cool-RR+PySnooper/repo",
  httpie: "/work/.mirror/httpie+cli/repo",
};

/** Debian's python3, where the projects' dependencies are installed (`apt-get install python3-…`). */
const PYTHON = "/usr/bin/python3";

const meta = (path: string) => gitOut(META, ["show", `HEAD:${path}`]);

/** The mirrored BugsInPy projects and their bug numbers, in order. */
export function BUGSINPY_PROJECTS(): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const project of Object.keys(MIRRORS))
    out[project] = gitOut(META, ["ls-tree", "--name-only", `HEAD:projects/${project}/bugs`])
      .split("\n")
      .filter((b) => /^\d+$/.test(b))
      .map(Number)
      .sort((a, b) => a - b);
  return out;
}

/** `key="value"` fields of a bug.info file. */
function info(text: string): Record<string, string> {
  return Object.fromEntries([...text.matchAll(/^\s*(\w+)\s*=\s*"([^"]*)"/gm)].map((m) => [m[1]!, m[2]!]));
}

/** The pytest node ids of run_test.sh (pytest ids kept, unittest dotted names converted). */
function testIds(script: string): string[] {
  return script.split("\n").flatMap((line) => {
    const words = line.trim().split(/\s+/);
    if (words.includes("unittest"))
      return words
        .filter((w) => /^[\w]+(\.[\w]+){2,}$/.test(w))
        .map((w) => {
          const parts = w.split(".");
          const cls = parts.findIndex((p) => /^[A-Z]/.test(p));
          return cls < 0 ? w : `${parts.slice(0, cls).join("/")}.py::${parts.slice(cls).join("::")}`;
        });
    return words.filter((w) => w.includes("::") || /\.py$/.test(w));
  });
}

/** Checks BugsInPy bug `project`/`bug` out under `cacheDir` and returns it ready to run. */
export function prepareBugsInPy(cacheDir: string, project: string, bug: number): PreparedCase {
  const base = `projects/${project}/bugs/${bug}`;
  const fields = info(meta(`${base}/bug.info`));
  const buggy = fields.buggy_commit_id!;
  const fixed = fields.fixed_commit_id!;
  const testFiles = (fields.test_file ?? "")
    .split(";")
    .map((f) => f.trim())
    .filter(Boolean);
  const id = `bugsinpy-${project.toLowerCase()}-${bug}`;
  const caseDir = join(cacheDir, "cases", id);
  const repoDir = join(caseDir, "repo");
  if (!existsSync(join(repoDir, ".git"))) {
    rmSync(caseDir, { recursive: true, force: true });
    mkdirSync(caseDir, { recursive: true });
    execFileSync("git", ["clone", "-q", "--no-checkout", MIRRORS[project]!, repoDir], { stdio: "ignore" });
    gitOut(repoDir, ["checkout", "-q", "-B", "main", buggy]);
    gitOut(repoDir, ["checkout", fixed, "--", ...testFiles]);
    gitOut(repoDir, [
      "-c",
      "user.name=bench",
      "-c",
      "user.email=bench@pitcrew.test",
      "commit",
      "-q",
      "--allow-empty",
      "-m",
      `bench: the tests of ${project} bug ${bug}'s fix`,
    ]);
  }
  const withTests = gitOut(repoDir, ["rev-parse", "main"]).trim();
  const isTest = (p: string) => /(^|\/)tests?\//.test(p) || /(^|\/)test_[^/]*\.py$|_test\.py$/.test(p);
  const fixFiles = gitOut(repoDir, ["diff", "--name-only", buggy, fixed])
    .split("\n")
    .filter((p) => p.endsWith(".py") && !isTest(p));
  const pytest = [PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider"];
  return {
    case: {
      id,
      dataset: "BugsInPy",
      project,
      bug: String(bug),
      language: "python",
      buggy: withTests,
      fixed,
      failingTests: testIds(meta(`${base}/run_test.sh`)),
      test: [...pytest, ...testFiles],
      fixFiles,
    },
    repoDir,
    record: [...pytest, "--tb=native", ...testIds(meta(`${base}/run_test.sh`))],
    env: { PYTHONDONTWRITEBYTECODE: "1" },
  };
}
