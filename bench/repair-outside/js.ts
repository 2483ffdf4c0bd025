/**
 * BugsJS cases (mirrors of the BugsJS forks, tags `Bug-N-test` = the buggy code plus the fix's
 * tests, `Bug-N-full` = the fix with its tests): checks a bug out into the case directory,
 * installs its npm dependencies once per dependency set (shared, `--ignore-scripts`) into a
 * `node_modules` beside the checkout (Node finds it from the checkout and from the chain's
 * scratch worktrees, which the runner puts under the case directory), and names the mocha
 * command over the test files the fix added or changed: the oracle and the trace's source.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { PreparedCase } from "./chain.js";

/** The BugsJS projects mirrored here, with their bug counts. */
export const BUGSJS_PROJECTS: Record<string, number> = {
  express: 27,
  "hessian.js": 9,
  hexo: 12,
  karma: 22,
  shields: 4,
  bower: 3,
  pencilblue: 7,
  eslint: 333,
};

const MIRROR = (project: string) => `/work/.mirror/BugsJS+${project}/repo`;

/** Runs git in `cwd`, returning stdout. */
export function gitOut(cwd: string, args: string[]): string {
  return execFileSync("git", args, { cwd, encoding: "utf8", maxBuffer: 64 << 20, stdio: ["ignore", "pipe", "pipe"] });
}

interface PackageJson {
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** Mocha options of the project's test script that a single-file run needs (`--require`, timeouts). */
function mochaOptions(script: string): string[] {
  const out: string[] = [];
  const words = script.split(/\s+/);
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (
      (w === "--require" || w === "-r" || w === "-t" || w === "--timeout" || w === "--ui" || w === "-u") &&
      words[i + 1]
    )
      out.push(w, words[++i]!);
    else if (w === "--check-leaks") out.push(w);
  }
  return out;
}

/** More development dependencies than this: install only those the tests require (build tools go). */
const LEAN_DEV_DEPENDENCIES = 20;

/** The package names `require`d by the files under the checkout's test directories. */
function testRequires(repoDir: string): Set<string> {
  const pattern = "require\\(['\"][^'\"./][^'\"]*['\"]\\)";
  const grep = spawnSync("git", ["grep", "-h", "-o", "-E", pattern, "--", "test", "tests"], {
    cwd: repoDir,
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  const found = (grep.stdout ?? "").split("\n");
  return new Set(
    found.map((r) => /require\(['"]((?:@[^/'"]+\/)?[^/'"]+)/.exec(r)?.[1]).filter((n): n is string => !!n),
  );
}

/**
 * Installs the package's dependencies (once per dependency set) and returns the node_modules
 * path; a package with many development dependencies gets mocha and those its tests require.
 */
function installDependencies(cacheDir: string, repoDir: string, pkg: PackageJson, log: (line: string) => void): string {
  let dev = pkg.devDependencies ?? {};
  if (Object.keys(dev).length > LEAN_DEV_DEPENDENCIES) {
    const required = testRequires(repoDir);
    dev = Object.fromEntries(Object.entries(dev).filter(([name]) => name === "mocha" || required.has(name)));
  }
  const deps = { dependencies: pkg.dependencies ?? {}, devDependencies: dev };
  const hash = createHash("sha256").update(JSON.stringify(deps)).digest("hex").slice(0, 16);
  const dir = join(cacheDir, "npm", hash);
  const done = join(dir, ".installed");
  if (!existsSync(done)) {
    log(`npm install (${hash}) …`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "deps", private: true, ...deps }, null, 1));
    execFileSync(
      "npm",
      [
        "install",
        "--no-audit",
        "--no-fund",
        "--ignore-scripts",
        "--legacy-peer-deps",
        "--no-package-lock",
        "--loglevel=error",
      ],
      { cwd: dir, stdio: ["ignore", "ignore", "pipe"], timeout: 900_000 },
    );
    writeFileSync(done, "");
  }
  return join(dir, "node_modules");
}

/** Checks BugsJS bug `project`/`bug` out under `cacheDir` and returns it ready to run. */
export function prepareBugsJs(
  cacheDir: string,
  project: string,
  bug: number,
  log: (line: string) => void,
): PreparedCase {
  const mirror = MIRROR(project);
  const caseDir = join(cacheDir, "cases", `bugsjs-${project}-${bug}`);
  const repoDir = join(caseDir, "repo");
  const test = `Bug-${bug}-test`;
  const full = `Bug-${bug}-full`;
  if (!existsSync(join(repoDir, ".git"))) {
    rmSync(caseDir, { recursive: true, force: true });
    mkdirSync(caseDir, { recursive: true });
    execFileSync("git", ["clone", "-q", "--no-checkout", mirror, repoDir], { stdio: "ignore" });
    gitOut(repoDir, ["checkout", "-q", "-B", "main", test]);
  }
  const pkg = JSON.parse(readFileSync(join(repoDir, "package.json"), "utf8")) as PackageJson;
  const modules = installDependencies(cacheDir, repoDir, pkg, log);
  if (!existsSync(join(caseDir, "node_modules"))) symlinkSync(modules, join(caseDir, "node_modules"));
  const changed = (a: string, b: string) => gitOut(repoDir, ["diff", "--name-only", a, b]).split("\n").filter(Boolean);
  const isTest = (p: string) => /^tests?\//.test(p);
  const testFiles = changed(`${test}~1`, test).filter((p) => isTest(p) && p.endsWith(".js") && !/fixtures?\//.test(p));
  const fixFiles = changed(test, full).filter((p) => !isTest(p) && p.endsWith(".js"));
  const script = pkg.scripts?.test ?? "";
  const mochaPkg = JSON.parse(readFileSync(join(modules, "mocha", "package.json"), "utf8")) as {
    bin?: Record<string, string>;
  };
  const bin = mochaPkg.bin?._mocha ?? mochaPkg.bin?.mocha ?? "bin/_mocha";
  const mocha = [join(modules, "mocha", bin), "-R", "spec", ...mochaOptions(script)];
  if (!mocha.includes("-t") && !mocha.includes("--timeout")) mocha.push("-t", "20000");
  const run = ["node", ...mocha, ...testFiles];
  const suite = /\bmocha\b/.test(script)
    ? script.split(/\s+/).filter((w) => /^tests?\//.test(w) && !/\.opts$/.test(w))
    : [];
  return {
    case: {
      id: `bugsjs-${project}-${bug}`,
      dataset: "BugsJS",
      project,
      bug: String(bug),
      language: "javascript",
      buggy: gitOut(repoDir, ["rev-parse", test]).trim(),
      fixed: gitOut(repoDir, ["rev-parse", full]).trim(),
      failingTests: testFiles,
      test: run,
      fixFiles,
    },
    repoDir,
    record: run,
    wholeSuite: suite.length ? ["node", ...mocha, ...suite] : undefined,
  };
}
