/**
 * The rollout's hook into the build phase: before a release's replicas start, its `build:` runs
 * (release-build.ts); a failed build fails the release with the reason and the last lines of
 * the log, and nothing takes traffic. A release without `build:` starts at once.
 */
import type { Clock } from "../../common/clock.js";
import type { EventLog } from "../../events/index.js";
import { createLocalExecutor, type Executor } from "../../runner/index.js";
import type { Release, Store } from "../../store/index.js";
import { runReleaseBuild } from "./release-build.js";

/** Runs a release's build before its first start; rejects with the reason when it fails. */
export type BuildBeforeStart = (release: Release, signal: AbortSignal) => Promise<void>;

/** What the build step needs; `executorFor` picks the project's executor (default: local processes). */
export interface BuildStepDeps {
  store: Store;
  events: EventLog;
  clock: Clock;
  executorFor?: (project: string) => Promise<Executor>;
}

/** Lines of the log tail a failed build's reason quotes. */
const REASON_LINES = 5;

/** The build step over `deps`. */
export function buildBeforeStart(deps: BuildStepDeps): BuildBeforeStart {
  const fallback = createLocalExecutor({ killGraceMs: 5_000 });
  return async (release, signal) => {
    const build = release.spec.build;
    if (!build) return;
    const subject = { kind: "release" as const, id: release.id };
    const facts = { project: release.project, environment: release.environment, release: release.id };
    await deps.events.emit("release.building", subject, { ...facts, commands: build.run.length });
    const executor = deps.executorFor ? await deps.executorFor(release.project) : fallback;
    const out = await runReleaseBuild(
      { executor, builds: deps.store.releaseBuilds, clock: deps.clock },
      {
        releaseId: release.id,
        workspace: build.workspace,
        cwd: release.spec.cwd,
        spec: build,
        env: release.spec.env,
        signal,
      },
    );
    await deps.events.emit("release.built", subject, { ...facts, ok: out.ok, reason: out.reason });
    if (!out.ok) {
      const tail = out.tail.slice(-REASON_LINES).join("\n");
      throw new Error(`build failed: ${out.reason}${tail ? `\n${tail}` : ""}`);
    }
  };
}
