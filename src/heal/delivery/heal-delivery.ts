/**
 * The healing loop's view of progressive delivery (`HealDelivery`): what went live recently, what
 * the service answered by request shape (its listener's, else its OTLP server spans), a rollback
 * as mitigation, and shipping a merged fix — find or start the CI run of the fix
 * commit, then deploy it with the environment's strategy once it passed. Handles are plain text
 * (`rollout:<id>` or `ship:<project>:<environment>:<run>`) so a heal resumes after a restart. The
 * fix is built by the push run of its merge commit (one run, whoever triggers it first: the
 * heal, the poller or a webhook) and shipped by its pipeline's deploy stage when it has one (the
 * heal deploys it only after a grace, never racing the stage with a second release of the run),
 * and a release whose rollout has not started is pending; a fix a newer run carries (its commit
 * includes the fix) that is pending or went live is followed, never deployed over it; a
 * fix whose rollout was aborted because pitcrew restarted mid-rollout is shipped again (the crash
 * says nothing about the fix), while one rolled back by its analysis is reported as such; a
 * rollback the restart aborted is reported `interrupted`, and mitigation starts it again. A
 * rollback that finds a rollout in flight aborts it (`abort:<id>`): that rollout ending
 * `rolled_back` is the mitigation done — its release no longer takes traffic; so is a rollout
 * its own analysis already rolled back, the live release being the one it replaced.
 */
import { ConflictError, ValidationError } from "../../common/errors.js";
import type { Release, Rollout, Run } from "../../store/index.js";
import { type Delivery, type RolloutOutcome, releaseIdOf, rolloutOutcome, routeKeyOf } from "../../deploy/index.js";
import { git, mirrorDir, type RunnerDeps, triggerRun } from "../../runner/index.js";
import type { HealDelivery } from "../actions/service-heal-actions.js";
import type { RecentDeploy } from "../../diagnose/index.js";
import { servicePlacementOf } from "./service-placement.js";
import { spanTraffic } from "./span-traffic.js";

type HandleState = Awaited<ReturnType<HealDelivery["status"]>>;

/** How long after a fix's run finished its pipeline's deploy stage is left to ship it before the heal does. */
const PIPELINE_DEPLOY_GRACE_MS = 10_000;

/** Maps a rollout's outcome to what a heal needs to know. */
function fromOutcome(outcome: RolloutOutcome): HandleState {
  switch (outcome.kind) {
    case "in_progress":
      return "running";
    case "interrupted":
      return "interrupted";
    default:
      return outcome.kind;
  }
}

/** Builds the heal's delivery port over `delivery`, starting fix runs through the CI engine `runner`. */
export function healDeliveryOf(runner: RunnerDeps, delivery: Delivery): HealDelivery {
  const { store } = runner;
  const { projectOf, environmentOf } = servicePlacementOf(store, delivery);

  return {
    /** Releases that replaced an earlier one (a first deploy has nothing to regress from or roll back to). */
    async recentDeploys(service, since, until) {
      const project = await projectOf(service);
      const rollouts = await store.rollouts.list({ project, limit: 200 });
      const out: RecentDeploy[] = [];
      for (const r of await store.releases.wentLive(project, since, until)) {
        const rollout = rollouts.find((o) => o.releaseId === r.id && o.baselineReleaseId !== null);
        if (!rollout) continue;
        out.push({
          service,
          environment: r.environment,
          release: String(r.id),
          at: r.liveAt ?? r.createdAt,
          startedAt: rollout.createdAt,
          commit: r.commit,
          rollback: rollout.kind === "rollback",
          previous: String(rollout.baselineReleaseId),
        });
      }
      return out;
    },

    async startRollback(service, reason, to) {
      const [project, environment] = [await projectOf(service), await environmentOf(service)];
      // the release's own analysis already rolled it back: that rollout is the mitigation done
      const [last] = await store.rollouts.list({ project, environment, limit: 1 });
      const live = await store.releases.live(project, environment);
      if (last?.state === "rolled_back" && last.kind !== "rollback" && live && last.baselineReleaseId === live.id)
        if (to === undefined || Number(to) === live.id) return `abort:${last.id}`;
      const { rollout } = await delivery.rollback({
        project,
        environment,
        ...(to === undefined ? {} : { toReleaseId: Number(to) }),
        by: "pitcrew-heal",
        reason,
      });
      // no new rollback rollout: the one in flight was aborted and its traffic returns to the live release
      return rollout.kind === "rollback" ? `rollout:${rollout.id}` : `abort:${rollout.id}`;
    },

    async startDeploy(service, commit, reason) {
      const project = await store.projects.findByName(await projectOf(service));
      if (!project) throw new ValidationError(`no project ships ${JSON.stringify(service)}`);
      const environment = await environmentOf(service);
      // the merge is a push to the default branch: the same run the poller or a webhook starts for it
      const triggeredBy = `pitcrew-heal: ${reason}`;
      const pushed = await triggerRun(runner, project.id, {
        event: "push",
        branch: project.defaultBranch,
        commit,
        triggeredBy,
      });
      const run = pushed.run ?? (await triggerRun(runner, project.id, { event: "manual", commit, triggeredBy })).run;
      if (!run)
        throw new ValidationError(`the pipeline of ${service} does not run manually for ${commit.slice(0, 12)}`);
      return `ship:${project.name}:${environment}:${run.id}`;
    },

    async replicasOf(service, fix) {
      const project = await store.projects.findByName(await projectOf(service));
      if (!project) return [];
      const environment = await environmentOf(service);
      const placement = (await delivery.status(environment)).find((p) => p.project === project.name);
      const mirror = mirrorDir(runner.dataDir, project.id);
      // replicas that take traffic: the live release's and an active rollout's (not one draining)
      const serving = new Set(
        [placement?.live?.id, placement?.rollout?.releaseId, placement?.rollout?.baselineReleaseId].filter(
          (id): id is number => typeof id === "number",
        ),
      );
      const out = [];
      for (const replica of placement?.replicas ?? []) {
        if (!serving.has(releaseIdOf(replica.release))) continue;
        const release = await store.releases.get(releaseIdOf(replica.release));
        out.push({
          release: String(release.id),
          commit: release.commit,
          hasFix: await includes(mirror, release.commit, fix),
          releasedAt: release.createdAt,
        });
      }
      return out;
    },

    /** From the built-in router's shape book, else from the service's OTLP server spans. */
    async trafficByShape(service, from, to) {
      const window = delivery.traffic(await projectOf(service), await environmentOf(service), from, to);
      if (!window) return spanTraffic(store, service, from, to);
      // a fresh baseline's errors are its release's
      const shapes = window.shapes.map((s) => {
        const errorsByRelease: Record<string, number> = {};
        for (const [id, n] of Object.entries(s.errorsByRelease)) {
          const release = String(releaseIdOf(id));
          errorsByRelease[release] = (errorsByRelease[release] ?? 0) + n;
        }
        return { ...s, errorsByRelease };
      });
      return { ...window, shapes };
    },

    async servedBy(service, releases) {
      const project = await projectOf(service);
      const environment = await environmentOf(service);
      const route = routeKeyOf(project, environment);
      const all = delivery.exchanges(environment).filter((e) => e.route === route);
      if (!all.length) return undefined;
      const asked = new Set(releases.map(Number));
      const mine = all.filter((e) => asked.has(releaseIdOf(e.releaseId)));
      return {
        requests: mine.length,
        failed: mine.filter((e) => e.status >= 500).length,
        total: all.length,
        spanMs: all.at(-1)!.at - all[0]!.at,
      };
    },

    async status(handle) {
      const aborted = /^abort:(\d+)$/.exec(handle);
      if (aborted) {
        const r = await store.rollouts.get(Number(aborted[1]));
        return r.state === "rolled_back" ? "succeeded" : fromOutcome(rolloutOutcome(r));
      }
      const rolloutHandle = /^rollout:(\d+)$/.exec(handle);
      if (rolloutHandle) {
        return fromOutcome(rolloutOutcome(await store.rollouts.get(Number(rolloutHandle[1]))));
      }
      const ship = /^ship:([^:]+):([^:]+):(\d+)$/.exec(handle);
      const [, project, environment, runText] = ship ?? [];
      if (!project || !environment || !runText)
        throw new ValidationError(`unknown delivery handle ${JSON.stringify(handle)}`);
      const run = await store.runs.get(Number(runText));
      if (run.status === "queued" || run.status === "running") return "running";
      if (run.status !== "success") return "failed";
      const all = await store.releases.list({ project, environment, limit: 100 });
      const rollouts = await store.rollouts.list({ project, environment, limit: 100 });
      // the run's release that is (or was) rolled out; a second one a refused deploy left pending does not count
      const releases = all.filter((r) => r.runId === run.id);
      const shipped = releases.find((r) => rollouts.some((o) => o.releaseId === r.id));
      const release = shipped ?? releases[0];
      const rollout = shipped && rollouts.find((o) => o.releaseId === shipped.id);
      // the pipeline's deploy stage ships a protected run itself when the run finishes: give it the time
      // to, rather than race it with a second release of the same run
      const pipelineShips = run.trust === "protected" && (run.plan.deploy ?? []).includes(environment);
      if (!release && pipelineShips && runner.clock.now() - (run.finishedAt ?? 0) < PIPELINE_DEPLOY_GRACE_MS)
        return "running";
      // the deploy stage keeps it as the pending deploy while another rollout runs: it ships when that ends
      if (!release && (await store.pendingDeploys.get(project, environment))?.runId === run.id) return "running";
      const outcome = rollout && rolloutOutcome(rollout);
      // a fix whose rollout a restart interrupted is shipped again: the crash says nothing about the fix
      if (!release || outcome?.kind === "interrupted") {
        // unless a newer run that carries the fix ships or shipped: the fix follows it, never rolls it back
        const newer = await newerCarrying(runner, { project, environment }, run, all, rollouts);
        if (newer) return newer;
        try {
          await delivery.deploy({ project, environment, runId: run.id, by: "pitcrew-heal", reason: "ship the fix" });
        } catch (err) {
          if (!(err instanceof ConflictError)) throw err;
        }
        return "running";
      }
      // a release whose rollout has not started yet (still pending) is on its way, not failed
      if (outcome) return fromOutcome(outcome);
      return release.status === "pending" ? "running" : "failed";
    },
  };
}

/**
 * The state of the newest run after `fix`'s whose commit includes the fix and that has a release
 * in `releases` (newest first, of one environment) that took or is taking traffic, else "running"
 * when such a run is the pending deploy there; undefined when there is none.
 */
async function newerCarrying(
  runner: RunnerDeps,
  where: { project: string; environment: string },
  fix: Run,
  releases: readonly Release[],
  rollouts: readonly Rollout[],
): Promise<HandleState | undefined> {
  const { store } = runner;
  const project = await store.projects.findByName(where.project);
  if (!project) return undefined;
  const mirror = mirrorDir(runner.dataDir, project.id);
  for (const r of releases) {
    const rollout = rollouts.find((o) => o.releaseId === r.id);
    if (r.runId === null || r.runId <= fix.id || !rollout) continue;
    const outcome = rolloutOutcome(rollout);
    if (outcome.kind === "interrupted" || outcome.kind === "failed") continue; // it never took traffic
    if (await includes(mirror, r.commit, fix.commit)) return fromOutcome(outcome);
  }
  const pending = await store.pendingDeploys.get(where.project, where.environment);
  if (pending && pending.runId > fix.id && (await includes(mirror, pending.commit, fix.commit))) return "running";
  return undefined;
}

/** True when `commit` is `fix` or descends from it (in the project's mirror; false when git cannot tell). */
async function includes(mirror: string, commit: string, fix: string): Promise<boolean> {
  if (commit === fix) return true;
  try {
    await git(["merge-base", "--is-ancestor", "--end-of-options", fix, commit], { cwd: mirror });
    return true;
  } catch {
    return false;
  }
}
