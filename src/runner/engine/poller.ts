/**
 * Polls projects that ask for it (`poll_interval_ms > 0`) for new commits: every branch whose
 * head moved since the last poll gets a `push` run (with the old head as `before`, so path
 * filters see the changed files). The first poll of a project records the heads and builds the
 * head of its default branch (a newly added repository gets its first run without a push; a
 * commit that already has a push run is not built again). Projects registered while it runs
 * (`POST /api/projects`) are picked up by a rescan of the project list every `rescanMs`.
 */
import { ensureMirror, listBranches } from "../checkout.js";
import { mirrorDir } from "./mirrors.js";
import type { RunnerDeps } from "./runner-deps.js";
import { triggerRun } from "./trigger.js";

/** Starts polling; returns a function that stops it. */
export function startPolling(deps: RunnerDeps, opts: { rescanMs?: number } = {}): () => void {
  const timers = new Map<number, NodeJS.Timeout>();
  let stopped = false;
  const pollProject = async (projectId: number) => {
    const project = await deps.store.projects.get(projectId);
    const mirror = mirrorDir(deps.dataDir, project.id);
    await ensureMirror(project.repoUrl, mirror);
    const heads = Object.fromEntries((await listBranches(mirror)).map((b) => [b.branch, b.sha]));
    const first = Object.keys(project.branchHeads).length === 0;
    await deps.store.projects.setBranchHeads(project.id, heads);
    if (first) {
      const sha = heads[project.defaultBranch];
      if (sha === undefined) return;
      const res = await triggerRun(deps, project.id, {
        event: "push",
        branch: project.defaultBranch,
        commit: sha,
        triggeredBy: "poll",
      });
      deps.log.info({ project: project.name, run: res.run?.id, skipped: res.skipped }, "first poll: building the head");
      return;
    }
    for (const [branch, sha] of Object.entries(heads)) {
      const before = project.branchHeads[branch];
      if (before === sha) continue;
      // A refused pipeline (over a limit, invalid branch) must not stop the other branches.
      const res = await triggerRun(deps, project.id, {
        event: "push",
        branch,
        commit: sha,
        before,
        triggeredBy: "poll",
      }).catch((err: Error) => {
        deps.log.warn({ project: project.name, branch, err: err.message }, "polled commit not run");
        return undefined;
      });
      if (!res) continue;
      deps.log.info(
        { project: project.name, branch, run: res.run?.id, skipped: res.skipped },
        "new commit found by polling",
      );
    }
  };
  const scheduled = new Set<number>();
  const schedule = (projectId: number, everyMs: number) => {
    scheduled.add(projectId);
    const tick = () => {
      void pollProject(projectId)
        .catch((err) => deps.log.warn({ err, projectId }, "polling failed"))
        .finally(() => {
          if (!stopped) timers.set(projectId, setTimeout(tick, everyMs));
        });
    };
    tick();
  };
  const scan = () =>
    deps.store.projects
      .list()
      .then((projects) => {
        for (const p of projects)
          if (p.pollIntervalMs > 0 && !scheduled.has(p.id) && !stopped) schedule(p.id, p.pollIntervalMs);
      })
      .catch((err) => deps.log.warn({ err }, "listing the projects to poll failed"));
  void scan();
  const rescan = setInterval(() => void scan(), opts.rescanMs ?? 2_000);
  rescan.unref();
  return () => {
    stopped = true;
    clearInterval(rescan);
    for (const t of timers.values()) clearTimeout(t);
  };
}
