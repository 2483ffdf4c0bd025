/**
 * verifying: is the service healthy now that the fix shipped? Watches the alert and anomaly
 * events of the incident's service from the moment verification started:
 *
 * - a new firing alert, or an anomaly scoring at least `anomalyThreshold`, of the service the fix
 *   shipped to, after the start → `regressed` (the fix did not hold); a caller's alert that joined
 *   the incident (its own fault, e.g. a too-short timeout of its own) is no evidence against the fix;
 * - otherwise, once `windowMs` has passed and none of the incident's alerts is still firing
 *   → `healthy`;
 * - alerts of the incident still firing at the end of the window are waited for up to
 *   3 × `windowMs`, then → `regressed`;
 * - the incident's own crash (its stack trace's signature, see error-signature.ts) logged again after the start
 *   by a running release that runs the fix → `regressed`, naming the release (records of releases
 *   without the fix, still draining, do not count: the check is per release, not a blended ratio);
 * - no running replica runs the fix (a rollback undid it) → `regressed`; `healthy` also needs every
 *   running replica to run a commit that includes the merged fix, else the heal keeps waiting and
 *   regresses at 3 × `windowMs`, naming what runs instead;
 * - before the window ends, `healthy` as soon as every replica runs the fix, none of the incident's
 *   alerts fires, and the requests the fix's releases answered since their first traffic (the
 *   canary's, during the rollout) prove the incident's error gone (fix-proof.ts: none of them
 *   logged it, and there were enough of them for P(none | not fixed) < 0.001) — so verification
 *   overlaps the rollout instead of adding a fresh window after it. The incident's error logged by
 *   a release running the fix counts from that release's start, not only from the watch's.
 * The start (time and event cursor) is recorded with `ctx.progress` per repair attempt, so a
 * resumed heal keeps it and a later attempt starts its own watch.
 */
import type { Clock } from "../../common/clock.js";
import { readEvent } from "../../events/index.js";
import { SIGNAL_EVENTS, signalFromEvent } from "../../incidents/index.js";
import { ERROR_LEVELS, errorSignature, type IncidentDiagnosis } from "../../diagnose/index.js";
import type { ReplicaCommit, ServedRequests } from "./service-heal-actions.js";
import { proveFix } from "./fix-proof.js";
import type { Store } from "../../store/index.js";
import type { HealContext, Pending } from "../heal-actions.js";

/** Options of the verification watch. */
export interface VerifyOptions {
  windowMs: number;
  anomalyThreshold: number;
  /** The running replicas of a service and whether each runs `fix` (absent: not checked). */
  replicasOf?: (service: string, fix: string) => Promise<ReplicaCommit[]>;
  /** The requests the service's router answered and those `releases` answered (absent: no proof before the window ends). */
  servedBy?: (service: string, releases: string[]) => Promise<ServedRequests | undefined>;
}

/** One verification poll (see the module comment). */
export async function verifyFix(
  store: Store,
  clock: Clock,
  ctx: HealContext,
  opts: VerifyOptions,
): Promise<Pending<"healthy" | "regressed">> {
  const { heal, incident } = ctx;
  const key = `verify${heal.attempts}`;
  if (heal.data[key] === undefined) {
    await ctx.progress({ [key]: { from: await store.events.lastId(), startedAt: clock.now() } });
  }
  const { from, startedAt } = heal.data[key] as { from: number; startedAt: number };
  for (let after = from; ; ) {
    const page = await store.incidents.eventsAfter(after, SIGNAL_EVENTS, 500);
    for (const raw of page) {
      const read = readEvent(raw); // an unreadable event is skipped (incidents log it once)
      const s = "event" in read ? signalFromEvent(read.event) : undefined;
      if (!s || s.service !== heal.service || s.status !== "firing") continue;
      if (s.kind === "anomaly" && (s.score ?? 0) < opts.anomalyThreshold) continue;
      const what = s.kind === "alert" ? `alert ${s.title} fired` : `${s.title} (score ${s.score?.toFixed(2)})`;
      return { status: "regressed", note: `${what} after the fix shipped`, data: { regressedBy: raw.id } };
    }
    if (page.length < 500) break;
    after = page.at(-1)!.id;
  }
  const recurred = await recurrence(store, ctx, startedAt, clock.now(), opts);
  if (recurred) return recurred;
  const fix = typeof heal.data.mergeCommit === "string" ? heal.data.mergeCommit : undefined;
  const replicas = fix && opts.replicasOf ? await opts.replicasOf(heal.service, fix) : undefined;
  const stale = replicas?.filter((r) => !r.hasFix) ?? [];
  if (fix && replicas?.length && stale.length === replicas.length)
    return {
      status: "regressed",
      note: `the fix ${fix.slice(0, 8)} is not live: ${describe(stale)}`,
      data: { staleReplicas: stale },
    };
  const elapsed = clock.now() - startedAt;
  const stillFiring = (await store.incidents.signals(incident.id)).filter(
    (s) => s.kind === "alert" && s.status === "firing",
  );
  const onset = (heal.data.diagnosis as { report?: IncidentDiagnosis } | undefined)?.report?.onset;
  const servedBy = opts.servedBy;
  if (fix && replicas?.length && !stale.length && !stillFiring.length && onset && servedBy) {
    const proof = await proveFix(store, onset, replicas, (releases) => servedBy(heal.service, releases), clock.now());
    if (proof)
      return {
        status: "healthy",
        note: `${proof.note}; no alert of the incident firing`,
        data: { proof: { share: proof.share, served: proof.served, needed: proof.needed, releases: proof.releases } },
      };
  }
  if (elapsed < opts.windowMs)
    return {
      status: "pending",
      note: `watching ${heal.service} for ${opts.windowMs} ms`,
    };
  if (fix && stale.length) {
    if (elapsed < 3 * opts.windowMs)
      return { status: "pending", note: `waiting for every replica to run ${fix.slice(0, 8)}: ${describe(stale)}` };
    return {
      status: "regressed",
      note: `the fix ${fix.slice(0, 8)} is not live on every replica ${Math.round(elapsed / 1000)} s after it shipped: ${describe(stale)}`,
      data: { staleReplicas: stale },
    };
  }
  if (!stillFiring.length) {
    return {
      status: "healthy",
      note: `no alert or anomaly on ${heal.service} for ${Math.round(elapsed / 1000)} s after the fix shipped, and every alert of the incident resolved`,
    };
  }
  if (elapsed < 3 * opts.windowMs) return { status: "pending", note: `${stillFiring.length} alert(s) still firing` };
  return {
    status: "regressed",
    note: `${stillFiring.map((s) => s.key).join(", ")} still firing ${Math.round(elapsed / 1000)} s after the fix shipped`,
  };
}

function describe(stale: ReplicaCommit[]): string {
  const byRelease = new Map<string, ReplicaCommit[]>();
  for (const r of stale) byRelease.set(r.release, [...(byRelease.get(r.release) ?? []), r]);
  return [...byRelease.values()]
    .map((rs) => `${rs.length} replica(s) of release ${rs[0]!.release} run ${rs[0]!.commit.slice(0, 8)}`)
    .join(", ");
}

/**
 * The incident's own crash (a traced signature) logged again since `from` by a running release that runs the fix (a
 * record without a release, from outside pitcrew's processes, counts too; one of a release
 * without the fix, draining or rolled back, does not).
 */
async function recurrence(
  store: Store,
  ctx: HealContext,
  from: number,
  until: number,
  opts: VerifyOptions,
): Promise<{ status: "regressed"; note: string; data: Record<string, unknown> } | undefined> {
  const onset = (ctx.heal.data.diagnosis as { report?: IncidentDiagnosis } | undefined)?.report?.onset;
  // a crash's trace is the fault itself; a timeout or other line may recur at the new limit now and then
  if (!onset?.traced) return undefined;
  const fix = typeof ctx.heal.data.mergeCommit === "string" ? ctx.heal.data.mergeCommit : undefined;
  const replicas = fix && opts.replicasOf ? await opts.replicasOf(ctx.heal.service, fix) : undefined;
  const withFix = replicas?.filter((r) => r.hasFix) ?? [];
  const fixed = new Set(withFix.map((r) => r.release));
  // a release running the fix is watched from its start (its canary traffic), the rest from the watch's
  const since = Math.min(from, ...withFix.map((r) => r.releasedAt ?? from));
  const { records } = await store.logRecords.search({
    service: onset.service,
    levels: ERROR_LEVELS,
    since,
    until: until + 1,
    limit: 500,
  });
  const same = records.filter((r) => errorSignature(r).key === onset.signature);
  if (!same.length) return undefined;
  const counted = same.filter((r) => {
    const release = r.attributes.release;
    if (typeof release === "string" && replicas) return fixed.has(release);
    return r.at >= from;
  });
  const first = counted.at(-1);
  if (!first) return undefined;
  const release = typeof first.attributes.release === "string" ? ` on release ${first.attributes.release}` : "";
  return {
    status: "regressed",
    note: `the incident's error (${onset.summary}) was logged again${release} ${counted.length}× after the fix shipped`,
    data: { recurredAt: first.at, ...(release ? { release: first.attributes.release } : {}) },
  };
}
