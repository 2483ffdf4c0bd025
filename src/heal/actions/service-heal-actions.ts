/**
 * The heal actions of a running pitcrew, put together from the domains that do the work:
 * diagnosis from the store's logs and the delivery history, mitigation and shipping through a
 * `HealDelivery` (the rollout engine), repair through a `HealRepairer` (the repair chain), CI and
 * merge through the forge, verification from the event log. Each keeps the idempotency the
 * heal-actions protocol asks for by recording what it started with `ctx.progress`.
 */
import type { Clock } from "../../common/clock.js";
import type { Forge } from "../../forge/index.js";
import type { Store } from "../../store/index.js";
import type { HealActions, HealContext, HealDiagnosis, HealPullRequest, Pending } from "../heal-actions.js";
import {
  diagnoseIncident,
  type IncidentDiagnosis,
  type RecentDeploy,
  type TrafficWindow,
} from "../../diagnose/index.js";
import { checkPullRequestCi, healPullRequest, mergePullRequest } from "./pull-request-steps.js";
import { verifyFix } from "./verify-fix.js";
import { diagnoseWithEvidence, repairable } from "./diagnose-with-evidence.js";

/** A running replica and the code it runs. */
export interface ReplicaCommit {
  release: string;
  commit: string;
  /** True when `commit` includes the fix asked about. */
  hasFix: boolean;
  /** When its release was made (ms): nothing it logged or answered can be older. */
  releasedAt?: number;
}

/** Requests a service's router answered, as far back as its exchange log reaches. */
export interface ServedRequests {
  /** Answered by the releases asked about. */
  requests: number;
  /** …of which 5xx. */
  failed: number;
  /** Answered by every release of the service, and the time from the first to the last of them (ms). */
  total: number;
  spanMs: number;
}

/** What the heal needs from progressive delivery. */
export interface HealDelivery {
  /** Releases of `service` that went live in `[since, until]`, oldest first. */
  recentDeploys(service: string, since: number, until: number): Promise<RecentDeploy[]>;
  /**
   * Starts rolling `service` back to release `to` (default: its previous healthy release); returns
   * a handle to poll.
   */
  startRollback(service: string, reason: string, to?: string): Promise<string>;
  /** Starts shipping `commit` of `service` (build, release, progressive rollout); returns a handle. */
  startDeploy(service: string, commit: string, reason: string): Promise<string>;
  /**
   * Every replica of `service` that takes traffic in its environment (the live release's and an
   * active rollout's), with the commit its release runs and whether that commit includes `fix`
   * (is it or descends from it).
   */
  replicasOf(service: string, fix: string): Promise<ReplicaCommit[]>;
  /**
   * What `service`'s listener answered in `[from, to)`, by request shape, with store release ids
   * (undefined: its router does not see shapes, or it answered nothing yet).
   */
  trafficByShape?(service: string, from: number, to: number): Promise<TrafficWindow | undefined>;
  /** The requests `service`'s router answered, and those of them `releases` answered (undefined: the router keeps no log). */
  servedBy(service: string, releases: string[]): Promise<ServedRequests | undefined>;
  /** How a rollback or deploy started above is doing (`interrupted`: a restart aborted it; start it again). */
  status(handle: string): Promise<"running" | "succeeded" | "failed" | "rolled_back" | "interrupted">;
}

/** What the heal needs from the repair chain. */
export interface HealRepairer {
  /**
   * Proposes, validates and opens a pull request for the incident (idempotent per `key`: a second
   * call with the same key returns the PR opened by the first), or says why no fix was found.
   */
  repair(req: {
    key: string;
    service: string;
    diagnosis: IncidentDiagnosis;
    attempt: number;
    signal: AbortSignal;
  }): Promise<{ pr: HealPullRequest; note: string } | { none: string }>;
}

/** What the heal needs from the release reverter (heal/revert/release-reverter.ts). */
export interface HealReverter {
  /**
   * The pull request reverting the commits of the release the heal's rollback (`handle`, from
   * `startRollback`) took out of traffic — idempotent per rollback — or why there is none.
   */
  revertRollback(req: {
    handle: string;
    healId: number;
    onsetAt?: number;
  }): Promise<{ pr: HealPullRequest; note: string } | { skipped: string }>;
}

/** The parts the actions are built from. */
export interface ServiceHealDeps {
  store: Store;
  forge: Forge;
  clock: Clock;
  delivery: HealDelivery;
  repairer: HealRepairer;
  /** Reverts on the base branch what a rollback took out of traffic (absent: `heal.revert_rollbacks` off). */
  reverter?: HealReverter;
  verifyWindowMs: number;
  anomalyThreshold: number;
  /** The p99 latency of a service's requests on a path, when metrics can tell (see diagnosis). */
  latencyP99Ms?: (service: string, path: string) => Promise<number | undefined>;
  /** How long after an incident opened diagnosis waits for evidence (default EVIDENCE_WAIT_MS). */
  evidenceWaitMs?: number;
}

/** Errors looked at by default: the last 5 minutes before the incident. */
const LOOKBACK_MS = 300_000;

/**
 * How far back the diagnosis reads logs: 5 minutes, but never before the previous incident of the
 * same service was resolved (its errors belong to it, not to this one).
 */
async function lookbackOf(store: Store, incident: HealContext["incident"]): Promise<number> {
  const earlier = await store.incidents.list({ service: incident.service, status: "resolved", limit: 20 });
  const resolved = earlier
    .filter((i) => i.id !== incident.id && i.resolvedAt !== null && i.resolvedAt < incident.openedAt)
    .map((i) => i.resolvedAt as number);
  const after = resolved.length ? Math.max(...resolved) : 0;
  return Math.max(1_000, Math.min(LOOKBACK_MS, incident.openedAt - after));
}

/**
 * The release the diagnosis says to roll back to: the one the suspect release replaced, when later
 * releases followed the suspect (undefined: the previous release).
 */
function rollbackTarget(ctx: HealContext): string | undefined {
  const report = (ctx.heal.data.diagnosis as { report?: IncidentDiagnosis } | undefined)?.report;
  const lead = report?.hypotheses.find((h) => h.kind === "deploy_regression");
  const to = lead?.evidence.find((e) => e.kind === "release")?.data?.rollbackTo;
  return typeof to === "string" ? to : undefined;
}

/**
 * A heal whose mitigation rolled a release back repairs first by reverting that release's commits
 * (its first repair attempt only: a revert whose CI failed leaves the next attempts to the repair
 * chain); undefined when it did not roll back or there is no reverter.
 */
async function revertFirst(
  ctx: HealContext,
  reverter: HealReverter | undefined,
  onsetAt: number | undefined,
): Promise<{ pr: HealPullRequest; note: string } | { skipped: string } | undefined> {
  const handle = ctx.heal.data.rolledBack;
  if (!reverter || typeof handle !== "string") return undefined;
  const attempt = ctx.heal.data.revertAttempt;
  if (attempt === undefined) await ctx.progress({ revertAttempt: ctx.heal.attempts });
  else if (attempt !== ctx.heal.attempts) return undefined;
  return reverter.revertRollback({ handle, healId: ctx.heal.id, ...(onsetAt === undefined ? {} : { onsetAt }) });
}

/** Builds the heal actions of a running pitcrew. */
export function serviceHealActions(d: ServiceHealDeps): HealActions {
  const poll = async (
    ctx: HealContext,
    key: string,
    start: () => Promise<string>,
  ): Promise<{ handle: string; state: Awaited<ReturnType<HealDelivery["status"]>> }> => {
    let handle = ctx.heal.data[key] as string | undefined;
    if (!handle) {
      handle = await start();
      await ctx.progress({ [key]: handle });
    }
    return { handle, state: await d.delivery.status(handle) };
  };

  const diagnoseNow = async (incident: HealContext["incident"]): Promise<IncidentDiagnosis> =>
    diagnoseIncident(
      incident,
      {
        searchLogs: async (q) => (await d.store.logRecords.search(q)).records,
        recentDeploys: (service, since, until) => d.delivery.recentDeploys(service, since, until),
        latencyP99Ms: d.latencyP99Ms,
        ...(d.delivery.trafficByShape ? { trafficByShape: d.delivery.trafficByShape.bind(d.delivery) } : {}),
      },
      { now: d.clock.now(), lookbackMs: await lookbackOf(d.store, incident) },
    );
  const evidence = {
    clock: d.clock,
    incident: (id: number) => d.store.incidents.get(id),
    diagnose: diagnoseNow,
    waitMs: d.evidenceWaitMs,
  };

  return {
    async diagnose(ctx): Promise<HealDiagnosis> {
      const diagnosis = await diagnoseWithEvidence(evidence, ctx.incident, ctx.signal);
      const lead = diagnosis.hypotheses[0];
      return {
        kind: lead?.kind ?? "unknown",
        confidence: lead?.confidence ?? 0,
        summary: lead?.explanation ?? diagnosis.summary,
        data: { report: diagnosis },
      };
    },

    async mitigate(ctx): Promise<Pending<"done">> {
      const to = rollbackTarget(ctx);
      const { handle, state } = await poll(ctx, "rollbackHandle", () =>
        d.delivery.startRollback(ctx.heal.service, `incident #${ctx.incident.id}: deploy regression`, to),
      );
      if (state === "running") return { status: "pending", note: `rolling back (${handle})` };
      if (state === "interrupted") {
        await ctx.progress({ rollbackHandle: null });
        return { status: "pending", note: `rollback ${handle} was cut off by a restart; starting it again` };
      }
      if (state !== "succeeded") throw new Error(`rollback ${handle} of ${ctx.heal.service} ended ${state}`);
      return {
        status: "done",
        note: handle.startsWith("abort:")
          ? `stopped the rollout in flight (${handle}): its release no longer takes traffic`
          : `rolled ${ctx.heal.service} back to ${to ? `release ${to}, the one before the release that brought the error` : "its previous release"}`,
        data: { rolledBack: handle },
      };
    },

    async repair(ctx) {
      const stored = ctx.heal.data.diagnosis as ({ report?: IncidentDiagnosis } & Record<string, unknown>) | undefined;
      let report = stored?.report;
      const reverted = await revertFirst(ctx, d.reverter, report?.onsetAt);
      if (reverted && "pr" in reverted) return reverted;
      const skipped = reverted ? `no revert of the rolled-back release (${reverted.skipped}); ` : "";
      if (!report) return { none: `${skipped}the heal has no diagnosis to repair from` };
      if (!repairable(report)) {
        // the evidence may have arrived after the diagnosis (see diagnose-with-evidence.ts): read it again
        const fresh = await diagnoseNow(await d.store.incidents.get(ctx.incident.id));
        if (repairable(fresh)) {
          await ctx.progress({ diagnosis: { ...stored, report: fresh, rediagnosedAt: d.clock.now() } });
          report = fresh;
        }
      }
      const r = await d.repairer.repair({
        key: `heal-${ctx.heal.id}-${ctx.heal.attempts}`,
        service: ctx.heal.service,
        diagnosis: report,
        attempt: ctx.heal.attempts,
        signal: ctx.signal,
      });
      return "none" in r ? { none: `${skipped}${r.none}` } : { ...r, note: `${skipped}${r.note}` };
    },

    checkCi: (ctx) => checkPullRequestCi(d.forge, healPullRequest(ctx)),
    merge: (ctx) => mergePullRequest(d.forge, healPullRequest(ctx)),

    async deploy(ctx): Promise<Pending<"succeeded" | "rolled_back">> {
      const commit = String(ctx.heal.data.mergeCommit ?? "");
      if (!commit) throw new Error(`heal ${ctx.heal.id} has no merge commit to deploy`);
      const key = `deployHandle${ctx.heal.attempts}`;
      const { handle, state } = await poll(ctx, key, () =>
        d.delivery.startDeploy(ctx.heal.service, commit, `fix for incident #${ctx.incident.id}`),
      );
      if (state === "running") return { status: "pending", note: `shipping ${commit.slice(0, 8)} (${handle})` };
      if (state === "succeeded")
        return {
          status: "succeeded",
          note: `shipped ${commit.slice(0, 8)} to ${ctx.heal.service}`,
          data: { deployed: handle },
        };
      return { status: "rolled_back", note: `the rollout of ${commit.slice(0, 8)} ended ${state}` };
    },

    verify: (ctx) =>
      verifyFix(d.store, d.clock, ctx, {
        windowMs: d.verifyWindowMs,
        anomalyThreshold: d.anomalyThreshold,
        replicasOf: (service, fix) => d.delivery.replicasOf(service, fix),
        servedBy: (service, releases) => d.delivery.servedBy(service, releases),
      }),
  };
}
