/**
 * A discrete-event replay of a workload on an agent pool, placing jobs with the server's own
 * policy module (`placeJobs`) and duration predictor: the only difference between the runs it
 * compares is the {@link SchedulePolicy} given. Time is virtual (ms); every job runs for its
 * recorded duration once placed.
 */
import {
  type AgentSlots,
  DurationPredictor,
  type PendingJob,
  placeJobs,
  type SchedulePolicy,
} from "../../src/agents/index.js";
import type { ReplayJob } from "./workload.js";

/** What one replay measured. */
export interface ReplayResult {
  /** Queue wait of each job (ms), in arrival order. */
  waits: number[];
  /** Waits of the default-branch jobs. */
  defaultWaits: number[];
  makespanMs: number;
  jobs: number;
  /** Predicted and "last duration" estimates against the actual duration, per job. */
  errors: { predictor: number; last: number; actual: number; withHistory: boolean }[];
}

/** The pool: `agents` agents of `concurrency` slots and as many cpus, no labels asked. */
export function pool(agents: number, concurrency: number): AgentSlots[] {
  return Array.from({ length: agents }, (_, i) => ({
    id: `a${i}`,
    name: `a${i}`,
    labels: ["linux"],
    concurrency,
    capacity: { cpus: concurrency },
    running: 0,
    used: { cpus: 0, memory: 0 },
  }));
}

/**
 * Replays `jobs` (sorted by arrival) on `agents` under `policy`. With `window`, the policy sees
 * only the oldest `window − running` waiting jobs, as the agent hub does (its consumers take
 * `window` queue items in all, held jobs included).
 */
export function replay(
  jobs: readonly ReplayJob[],
  agents: readonly AgentSlots[],
  policy: SchedulePolicy,
  window = Number.POSITIVE_INFINITY,
): ReplayResult {
  const slots = agents.map((a) => ({ ...a, used: { ...a.used } }));
  const predictor = new DurationPredictor();
  const last = new Map<string, number>();
  const byId = new Map(jobs.map((j) => [j.id, j]));
  const running: { job: ReplayJob; agent: AgentSlots; end: number }[] = [];
  const runningByProject = new Map<string, number>();
  let waiting: PendingJob[] = [];
  const out: ReplayResult = { waits: [], defaultWaits: [], makespanMs: 0, jobs: jobs.length, errors: [] };
  const started = new Map<string, number>();
  let next = 0;
  let now = 0;
  while (next < jobs.length || waiting.length || running.length) {
    const nextEnd = running.reduce((m, r) => Math.min(m, r.end), Number.POSITIVE_INFINITY);
    now = Math.min(jobs[next]?.arrival ?? Number.POSITIVE_INFINITY, nextEnd);
    for (let i = running.length - 1; i >= 0; i--) {
      const r = running[i]!;
      if (r.end > now) continue;
      running.splice(i, 1);
      r.agent.running--;
      r.agent.used.cpus--;
      runningByProject.set(r.job.project, runningByProject.get(r.job.project)! - 1);
      predictor.observe({
        project: r.job.project,
        job: r.job.name,
        branch: r.job.branch,
        paths: [],
        durationMs: r.job.durationMs,
      });
      last.set(`${r.job.project}\0${r.job.name}`, r.job.durationMs);
      out.makespanMs = Math.max(out.makespanMs, r.end);
    }
    for (; next < jobs.length && jobs[next]!.arrival <= now; next++) {
      const j = jobs[next]!;
      const p = predictor.predict({ project: j.project, job: j.name, branch: j.branch, paths: [] });
      const l = last.get(`${j.project}\0${j.name}`);
      out.errors.push({
        predictor: Math.abs(p.ms - j.durationMs),
        last: Math.abs((l ?? p.ms) - j.durationMs),
        actual: j.durationMs,
        withHistory: l !== undefined,
      });
      waiting.push({
        id: j.id,
        project: j.project,
        class: j.kind,
        labels: ["linux"],
        resources: { cpus: 1, memory: 0 },
        queuedAt: j.arrival,
        estimateMs: p.ms,
      });
    }
    if (!waiting.length || !slots.some((s) => s.running < s.concurrency)) continue;
    const visible = Number.isFinite(window) ? waiting.slice(0, Math.max(0, window - running.length)) : waiting;
    const { placed } = placeJobs(visible, slots, { now, policy, runningByProject });
    if (!placed.length) continue;
    const gone = new Set(placed.map((p) => p.job.id));
    for (const p of placed) {
      const job = byId.get(p.job.id)!;
      const agent = slots.find((s) => s.id === p.agentId)!;
      agent.running++;
      agent.used.cpus++;
      runningByProject.set(job.project, (runningByProject.get(job.project) ?? 0) + 1);
      running.push({ job, agent, end: now + job.durationMs });
      started.set(job.id, now);
    }
    waiting = waiting.filter((w) => !gone.has(w.id));
  }
  for (const j of jobs) {
    const wait = started.get(j.id)! - j.arrival;
    out.waits.push(wait);
    if (j.kind === "default-branch") out.defaultWaits.push(wait);
  }
  out.makespanMs -= jobs[0]?.arrival ?? 0;
  return out;
}
