/**
 * A release's build phase (`build:` in `.pitcrew/deploy.yaml`): the commands that turn a clean
 * checkout into something runnable (`npm ci`, `pip install`, `go build`, …), run in the service's
 * directory of the release before any replica starts, with their own timeout, separate from readiness.
 *
 *   (no row) ──start──► running ──every command exits 0──► success
 *                          └──── a command fails, times out or is aborted ──► failure (reason + log tail)
 *
 * The row is written before the first command starts, the output tail while it runs (at most
 * once a second) and the outcome when it ends. Commands are argv lists, each quoted word by word
 * for the executor's shell (never interpreted), run with the executor the project's jobs use
 * (bubblewrap when the project is sandboxed), with network access (installs fetch packages), in
 * an environment built from scratch: PATH, HOME and TMPDIR inside the release, and the release's
 * own variables.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Clock } from "../../common/clock.js";
import { DEFAULT_PATH, type Executor, execLine } from "../../runner/index.js";
import type { ReleaseBuildsRepo } from "../../store/index.js";

/** What a release builds (from its manifest). */
export interface ReleaseBuildSpec {
  /** Commands, argv each, run in order; the first that fails ends the build. */
  run: string[][];
  /** Time for all commands together. */
  timeoutMs: number;
}

/** How a build ended. */
export interface ReleaseBuildOutcome {
  ok: boolean;
  /** Why it failed (empty on success). */
  reason: string;
  /** The last lines of its output. */
  tail: string[];
}

/** The default `build.timeout`: 10 minutes. */
export const DEFAULT_BUILD_TIMEOUT_MS = 600_000;

/** Lines of output kept per build, and characters per line. */
const KEEP_LINES = 2000;
const LINE_CHARS = 2000;
const FLUSH_EVERY_MS = 1000;

/** Runs the build of release `releaseId` in `dir`, recording it in `builds`; never throws for a failed command. */
export async function runReleaseBuild(
  deps: { executor: Executor; builds: ReleaseBuildsRepo; clock: Clock },
  req: {
    releaseId: number;
    /** The release directory: the only place the build may write. */
    workspace: string;
    /** Where the commands run (the manifest's `dir` inside the workspace). */
    cwd: string;
    spec: ReleaseBuildSpec;
    env: Record<string, string>;
    signal?: AbortSignal;
  },
): Promise<ReleaseBuildOutcome> {
  const { executor, builds, clock } = deps;
  const { releaseId, workspace, spec } = req;
  await builds.start(releaseId, clock.now());
  const lines: string[] = [];
  let dirty = false;
  const push = (stream: string, line: string) => {
    lines.push(`${stream}| ${line.length > LINE_CHARS ? `${line.slice(0, LINE_CHARS)}…` : line}`);
    if (lines.length > KEEP_LINES) lines.splice(0, lines.length - KEEP_LINES);
    dirty = true;
  };
  const flush = setInterval(() => {
    if (!dirty) return;
    dirty = false;
    void builds.setLog(releaseId, lines.join("\n")).catch(() => {});
  }, FLUSH_EVERY_MS);
  const scratch = join(workspace, ".pitcrew-build");
  mkdirSync(join(scratch, "home"), { recursive: true });
  mkdirSync(join(scratch, "tmp"), { recursive: true });
  const env = { ...req.env, PATH: DEFAULT_PATH, HOME: join(scratch, "home"), TMPDIR: join(scratch, "tmp"), CI: "true" };
  const deadline = clock.now() + spec.timeoutMs;
  let reason = "";
  try {
    await executor.prepare?.(workspace);
    for (const argv of spec.run) {
      const shown = argv.join(" ");
      push("pitcrew", `$ ${shown}`);
      const left = deadline - clock.now();
      if (left <= 0) {
        reason = `the build timed out after ${spec.timeoutMs} ms before ${shown}`;
        break;
      }
      const out = await executor.runStep({
        script: execLine(argv),
        cwd: req.cwd,
        workspace,
        env,
        timeoutMs: left,
        signal: req.signal,
        network: true,
        onLine: push,
      });
      if (out.timedOut) reason = `the build timed out after ${spec.timeoutMs} ms in ${shown}`;
      else if (out.cancelled) reason = `the build was cancelled in ${shown}`;
      else if (out.exitCode !== 0) reason = `${shown} exited with ${out.exitCode ?? `signal ${out.signal}`}`;
      if (reason) break;
    }
  } catch (err) {
    reason = `the build could not run: ${(err as Error).message}`;
  } finally {
    clearInterval(flush);
  }
  const status = reason ? "failure" : "success";
  await builds.finish(releaseId, { status, reason, log: lines.join("\n"), at: clock.now() });
  return { ok: !reason, reason, tail: lines.slice(-20) };
}
