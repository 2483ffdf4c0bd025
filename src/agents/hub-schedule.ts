/**
 * The agent hub's view for the scheduler: a job offered to agents becomes a {@link PendingJob}
 * (its class from the run, its resources from the plan, its estimate from the predictor, tuned by
 * the project's live `job-duration` version), an
 * agent becomes {@link AgentSlots} (its held jobs count against its capacity), and finished jobs
 * teach the predictor. The decisions themselves are `placeJobs`'s (place-jobs.ts).
 */
import type { JobTicket, RunnerDeps } from "../runner/index.js";
import type { Agent, Job, Project, Run } from "../store/index.js";
import type { DurationPredictor } from "./duration-predictor.js";
import type { HeldJob } from "./held-job.js";
import { explainEstimate } from "./learning/job-duration-model.js";
import { liveDurationTuning } from "./learning/live-duration-settings.js";
import { placeJobs } from "./place-jobs.js";
import type { AgentSlots, JobClass, PendingJob, Resources, SchedulePolicy } from "./schedule-policy.js";

/** A job's request when its pipeline names none: one cpu, no memory. */
const NO_REQUEST: Resources = { cpus: 1, memory: 0 };

/** A waiting job as the hub shows it (`GET /api/agents`). */
export interface WaitingView {
  jobId: number;
  runId: number;
  key: string;
  project: string;
  class: JobClass;
  estimateMs: number;
  /** Where the estimate comes from, e.g. `median of the last 8 runs of job test on branch main: 4m12s (…)`. */
  estimateWhy: string;
  /** ISO-8601. */
  since: string;
  why: string;
}

/** An offer as the scheduler sees it. */
export interface Scheduled {
  pending: PendingJob;
  view: Omit<WaitingView, "why">;
}

/**
 * The offer the policy gives `agent` now: among the offers its labels cover, in the policy's
 * order, the first that fits what the jobs it holds leave free.
 */
export function offerFor<O extends Scheduled>(
  offers: readonly O[],
  held: readonly HeldJob[],
  agent: Agent,
  policy: SchedulePolicy,
  now: number,
): O | undefined {
  const mine = held.filter((h) => h.agentId === agent.id).map((h) => h.begun.job.spec.resources);
  const { placed } = placeJobs(
    offers.map((o) => o.pending),
    [agentSlots(agent, mine)],
    { now, policy, runningByProject: runningByProject(held) },
  );
  return placed[0] && offers.find((o) => o.pending === placed[0]!.job);
}

/** Every offer with the policy's word on it, placing over all `live` agents at once. */
export function waitingViews(
  offers: readonly Scheduled[],
  held: readonly HeldJob[],
  live: readonly Agent[],
  policy: SchedulePolicy,
  now: number,
): WaitingView[] {
  const slots = live.map((a) =>
    agentSlots(
      a,
      held.filter((h) => h.agentId === a.id).map((h) => h.begun.job.spec.resources),
    ),
  );
  const s = placeJobs(
    offers.map((o) => o.pending),
    slots,
    { now, policy, runningByProject: runningByProject(held) },
  );
  const viewOf = (p: PendingJob) => offers.find((o) => o.pending === p)!.view;
  return [
    ...s.placed.map((p) => ({
      ...viewOf(p.job),
      why: `next: ${p.why.replace(/^placed on/, "goes to")} at its next poll`,
    })),
    ...s.waiting.map((w) => ({ ...viewOf(w.job), why: w.why })),
  ];
}

/** Jobs each project runs on agents now (fair share). */
function runningByProject(held: readonly HeldJob[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const h of held) out.set(h.project, (out.get(h.project) ?? 0) + 1);
  return out;
}

/** The scheduling class of a run: heal fixes (branches `pitcrew/heal-…`, `pitcrew/fix-…`), the default branch, pull requests, other branches. */
export function runClass(run: Run, project: Project): JobClass {
  if (/^pitcrew\/(heal|fix)-/.test(run.branch)) return "heal";
  if (run.event === "pull_request") return "pull-request";
  return run.branch === project.defaultBranch ? "default-branch" : "branch";
}

/** The pending job of an offered ticket, read from the store. */
export async function pendingJob(
  deps: RunnerDeps,
  predictor: DurationPredictor,
  ticket: JobTicket,
  labels: readonly string[],
  since: number,
): Promise<{ pending: PendingJob; view: Omit<WaitingView, "why"> }> {
  const job = await deps.store.jobs.get(ticket.jobId);
  const run = await deps.store.runs.get(job.runId);
  const project = await deps.store.projects.get(run.projectId);
  const cls = runClass(run, project);
  const key = durationKey(project, run, job);
  const tuning = await liveDurationTuning(deps.store, predictor, project, deps.clock.now());
  const basis = predictor.predict(key).basis;
  if (basis === "project" || basis === "default") await learnPast(deps, predictor, project, job);
  const estimate = predictor.predict(key);
  const why = explainEstimate(key, estimate, tuning.settings, tuning.version);
  return {
    pending: {
      id: String(ticket.jobId),
      project: project.name,
      class: cls,
      labels,
      resources: job.spec.resources ?? NO_REQUEST,
      queuedAt: since,
      estimateMs: estimate.ms,
    },
    view: {
      jobId: job.id,
      runId: run.id,
      key: job.key,
      project: project.name,
      class: cls,
      estimateMs: estimate.ms,
      estimateWhy: why,
      since: new Date(since).toISOString(),
    },
  };
}

/** Jobs of the same key read back from the store for a job the predictor has not seen (since this server started). */
const PAST_JOBS = 8;

/**
 * Teaches the predictor the last successful runs of `job`'s key in its project (any branch: the
 * store's history does not say which without reading each run), so a restarted server does not
 * start from the default estimate.
 */
async function learnPast(deps: RunnerDeps, predictor: DurationPredictor, project: Project, job: Job): Promise<void> {
  const past = await deps.store.jobs.recentSuccesses(project.id, job.key, job.id, PAST_JOBS);
  for (const p of past.reverse()) {
    if (p.startedAt === null || p.finishedAt === null) continue;
    const durationMs = p.finishedAt - p.startedAt;
    predictor.observe({ project: project.name, job: job.key, branch: "", paths: [], durationMs });
  }
}

/** What the predictor knows a job by. */
export function durationKey(project: Project, run: Run, job: Job) {
  return { project: project.name, job: job.key, branch: run.branch, paths: run.changedFiles ?? [] };
}

/** An agent with the jobs it holds counted against its concurrency and capacity. */
export function agentSlots(agent: Agent, heldSpecs: readonly (Resources | undefined)[]): AgentSlots {
  const used = heldSpecs.reduce<Resources>(
    (u, r) => ({ cpus: u.cpus + (r ?? NO_REQUEST).cpus, memory: u.memory + (r ?? NO_REQUEST).memory }),
    { cpus: 0, memory: 0 },
  );
  return {
    id: String(agent.id),
    name: agent.name,
    labels: agent.labels,
    concurrency: agent.concurrency,
    capacity: agent.capacity,
    running: heldSpecs.length,
    used,
  };
}
