/**
 * Rebuilds one Defects4J bug as a git repository the repair chain can work on, the way Defects4J
 * builds its buggy version: the developer's fixed revision (with the fix's tests) is checked out
 * from the project's mirror, then `<id>.src.patch` turns its sources back into the buggy ones.
 * Two commits, both children of the fixed revision's parent, so the developer's fix is never in
 * the history the product reads (blame, the revert fixer):
 *
 *   fixed  the fixed tree plus the harness: `pitcrew.repair.yaml` declaring the test command
 *          (`sh .pitcrew-java/run-tests.sh`: javac the sources and tests with JDK 17 and Debian's
 *          jars, run `.pitcrew-java/oracle.txt` with `JavaTestRunner`), the oracle's test list
 *          and the trigger tests' list (`triggers.txt`, run alone to read the failure's trace);
 *          only the harness runs it, to learn which tests fail with the developer's fix here;
 *   buggy  the same tree with the source patch applied: seen from its parent, the fix's tests and
 *          the harness were added. `writeOracle` later commits, on top of it, the oracle list
 *          without the tests that fail with the developer's fix here; that is the chain's base.
 *
 * The command is what a Java project declares for pitcrew as shipped (declared-commands.ts).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { git } from "../../src/runner/index.js";
import type { JavaBug } from "./java-bugs.js";

/** Debian's jars the tests compile and run against (junit4, hamcrest, easymock). */
export const JAVA_LIBS = [
  "/usr/share/java/junit4.jar",
  "/usr/share/java/hamcrest-all.jar",
  "/usr/share/java/easymock.jar",
  "/usr/share/java/objenesis.jar",
  "/usr/share/java/commons-io.jar",
];

/** The harness files' directory inside a case repository. */
export const HARNESS_DIR = ".pitcrew-java";

const IDENTITY = [
  "-c",
  "user.name=pitcrew bench",
  "-c",
  "user.email=bench@pitcrew.invalid",
  "-c",
  "commit.gpgsign=false",
];

/** Compiles `JavaTestRunner.java` into `dir` once; returns the class directory. */
export function compileRunner(dir: string): string {
  const out = join(dir, "runner");
  if (existsSync(join(out, "JavaTestRunner.class"))) return out;
  mkdirSync(out, { recursive: true });
  const source = new URL("./JavaTestRunner.java", import.meta.url).pathname;
  execFileSync("javac", ["-nowarn", "-d", out, "-cp", JAVA_LIBS.join(":"), source], { stdio: "pipe" });
  return out;
}

/** The test script: compile sources and tests into a temporary directory, then run the oracle. */
function runTestsScript(bug: JavaBug, runnerDir: string): string {
  const libs = JAVA_LIBS.join(":");
  const resources = (dir: string) => [dir, dir.replace(/\/java$/, "/resources")].join(":");
  return `#!/bin/sh
# Written by pitcrew's bench/repair-outside/java-checkout.ts: compiles ${bug.srcDir} and ${bug.testDir}
# with JDK 17 and Debian's jars, then runs the tests listed in $1 (default ${HARNESS_DIR}/oracle.txt).
set -eu
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
find ${bug.srcDir} -name '*.java' > "$out/main.txt"
javac -g -nowarn -encoding ${bug.encoding} -proc:none --release 8 -cp ${libs} -d "$out/main" @"$out/main.txt" 2>&1 | grep -v '^Note:' >&2 || true
test -n "$(find "$out/main" -name '*.class' -print -quit 2>/dev/null)" || { echo "sources do not compile" >&2; exit 3; }
find ${bug.testDir} -name '*.java' > "$out/test.txt"
javac -g -nowarn -encoding ${bug.encoding} -proc:none --release 8 -cp "$out/main:${libs}" -d "$out/test" @"$out/test.txt" 2>&1 | grep -v '^Note:' >&2 || true
test -n "$(find "$out/test" -name '*.class' -print -quit 2>/dev/null)" || { echo "tests do not compile" >&2; exit 3; }
exec java -Xmx1g -cp "$out/main:$out/test:${resources(bug.srcDir)}:${resources(bug.testDir)}:${runnerDir}:${libs}" JavaTestRunner "\${1:-${HARNESS_DIR}/oracle.txt}"
`;
}

/** The repository and commits of a rebuilt bug. */
export interface JavaCheckout {
  repo: string;
  fixed: string;
  buggy: string;
}

/**
 * Clones the bug's project from `mirror` into `dir/repo` and makes the two commits (module
 * comment). `oracle` lists the tests the oracle runs (`pkg.Class` or `pkg.Class::method`).
 */
export async function rebuildBug(
  bug: JavaBug,
  mirror: string,
  dir: string,
  runnerDir: string,
  oracle: string[],
): Promise<JavaCheckout> {
  const repo = join(dir, "repo");
  rmSync(repo, { recursive: true, force: true });
  await git(["clone", "--quiet", "--shared", "--no-checkout", mirror, repo], { cwd: dir, timeoutMs: 300_000 });
  const run = (args: string[]) => git([...IDENTITY, ...args], { cwd: repo, timeoutMs: 300_000 });
  await run(["checkout", "--quiet", "-b", "pitcrew-fixed", bug.fixedRevision]);
  mkdirSync(join(repo, HARNESS_DIR), { recursive: true });
  writeFileSync(join(repo, HARNESS_DIR, "run-tests.sh"), runTestsScript(bug, runnerDir));
  writeFileSync(join(repo, HARNESS_DIR, "oracle.txt"), `${oracle.join("\n")}\n`);
  writeFileSync(join(repo, HARNESS_DIR, "triggers.txt"), `${bug.triggerTests.join("\n")}\n`);
  writeFileSync(join(repo, "pitcrew.repair.yaml"), `test: [sh, ${HARNESS_DIR}/run-tests.sh]\n`);
  await run(["add", "--force", HARNESS_DIR, "pitcrew.repair.yaml"]);
  await run(["commit", "--quiet", "--no-verify", "-m", `fixed: ${bug.project}-${bug.bug} with the test harness`]);
  const fixed = (await run(["rev-parse", "HEAD"])).trim();
  const patch = join(dir, "src.patch");
  writeFileSync(patch, bug.srcPatch);
  await run(["apply", "--whitespace=nowarn", "--index", patch]);
  const tree = (await run(["write-tree"])).trim();
  const message = `${bug.project}-${bug.bug}: the fix's tests and the test harness (buggy sources, Defects4J)`;
  const buggy = (await run(["commit-tree", tree, "-p", `${bug.fixedRevision}^`, "-m", message])).trim();
  await run(["checkout", "--quiet", "-B", "pitcrew-case", buggy]);
  return { repo, fixed, buggy };
}

/** Commits a new oracle list on top of the buggy commit; returns the new head. */
export async function writeOracle(checkout: JavaCheckout, oracle: string[]): Promise<string> {
  const run = (args: string[]) => git([...IDENTITY, ...args], { cwd: checkout.repo, timeoutMs: 60_000 });
  writeFileSync(join(checkout.repo, HARNESS_DIR, "oracle.txt"), `${oracle.join("\n")}\n`);
  await run([
    "commit",
    "--quiet",
    "--no-verify",
    "--allow-empty",
    "-am",
    "oracle: leave out the tests that fail with the developer's fix here",
  ]);
  return (await run(["rev-parse", "HEAD"])).trim();
}
