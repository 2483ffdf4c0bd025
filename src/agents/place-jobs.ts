/**
 * The scheduler's one decision: which waiting jobs go to which agents now, and why each other job
 * waits. Pure and deterministic (same input, same answer); the agent hub and the replay
 * benchmark (bench/schedule) both call it.
 *
 *   1. score    = the class's weight × the response ratio (wait + predicted duration) / predicted
 *                 duration: short jobs first, and a waiting job's score grows without bound (no
 *                 starvation); with fair share divided by 1 + the jobs its project runs (counting
 *                 the ones placed so far in this call). `fifo` order: the oldest first.
 *   2. order    = by score, then the shortest prediction, then the oldest, then the id
 *   3. place    = each job in that order on the agent that carries its labels and has the free
 *                 slots, cpus and memory it asks for, the best fit (least left over) first; an
 *                 agent reserved by a starving job takes nothing else
 *   4. explain  = every placement and every wait in words
 */
import { labelsCover } from "./labels-cover.js";
import type { AgentSlots, PendingJob, Resources, SchedulePolicy } from "./schedule-policy.js";

/** A job given to an agent. */
export interface Placement {
  job: PendingJob;
  agentId: string;
  /** e.g. "placed on 'a1' (default branch, est. 2 min, waited 30 s)". */
  why: string;
}

/** Why a job waits: no agent carries its labels, none is large enough, or the fitting ones are busy. */
export type WaitKind = "no-label" | "too-large" | "busy";

/** A job left waiting, with its reason. */
export interface Wait {
  job: PendingJob;
  kind: WaitKind;
  /** Waiting jobs before it that compete for the same agents. */
  ahead: number;
  /** e.g. "waiting: no agent with label gpu", "queued behind 3 jobs of project shop, est. 2 min". */
  why: string;
}

/** The outcome of one call: placements in the order made, and the waits in queue order. */
export interface Schedule {
  placed: Placement[];
  waiting: Wait[];
}

/** Inputs besides the jobs and agents. */
export interface PlaceOptions {
  now: number;
  policy: SchedulePolicy;
  /** Jobs each project runs now (fair share); absent projects run none. */
  runningByProject?: ReadonlyMap<string, number>;
}

interface Free {
  agent: AgentSlots;
  slots: number;
  cpus: number;
  memory: number;
  reservedBy?: PendingJob;
}

/** Competing waiters per set of fitting agents (a few distinct sets: one per label combination). */
interface Group {
  agents: Set<string>;
  count: number;
  estMs: number;
  byProject: Map<string, number>;
}

const CLASS_WORDS = {
  heal: "heal fix",
  "default-branch": "default branch",
  branch: "branch",
  "pull-request": "pull request",
};

/** Places what fits now and explains every decision (see the file comment for the rules). */
export function placeJobs(jobs: readonly PendingJob[], agents: readonly AgentSlots[], opts: PlaceOptions): Schedule {
  const { now, policy } = opts;
  const score = new Map(jobs.map((j) => [j, jobScore(j, now, policy)]));
  const load = new Map(opts.runningByProject ?? []);
  const share = (j: PendingJob) => (policy.fairShare ? 1 + (load.get(j.project) ?? 0) : 1);
  const byAge = (a: PendingJob, b: PendingJob) => a.queuedAt - b.queuedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const before = (a: PendingJob, b: PendingJob) =>
    policy.order === "fifo"
      ? byAge(a, b)
      : score.get(b)! / share(b) - score.get(a)! / share(a) || a.estimateMs - b.estimateMs || byAge(a, b);

  // one queue per project (fair share) or one for all, each in `before` order (a project's share is
  // the same for all its jobs)
  const queues = new Map<string, PendingJob[]>();
  for (const j of jobs) {
    const key = policy.fairShare ? j.project : "";
    const q = queues.get(key);
    if (q) q.push(j);
    else queues.set(key, [j]);
  }
  const heads = [...queues.values()].map((q) => q.sort(before));
  const free: Free[] = agents.map((a) => ({
    agent: a,
    slots: a.concurrency - a.running,
    cpus: (a.capacity.cpus ?? Number.POSITIVE_INFINITY) - a.used.cpus,
    memory: (a.capacity.memory ?? Number.POSITIVE_INFINITY) - a.used.memory,
  }));
  const groups = new Map<string, Group>();
  const out: Schedule = { placed: [], waiting: [] };

  for (;;) {
    let best: PendingJob[] | undefined;
    for (const q of heads) if (q.length && (!best || before(q[0]!, best[0]!) < 0)) best = q;
    if (!best) break;
    const job = best.shift()!;
    const covering = free.filter((f) => labelsCover(f.agent.labels, job.labels));
    const large = covering.filter((f) => fitsWhole(f.agent, job.resources));
    const open = large.filter((f) => !f.reservedBy && fitsFree(f, job.resources));
    if (open.length) {
      const f = open.sort((a, b) => leftover(a, job) - leftover(b, job) || a.slots - b.slots)[0]!;
      f.slots--;
      f.cpus -= job.resources.cpus;
      f.memory -= job.resources.memory;
      load.set(job.project, (load.get(job.project) ?? 0) + 1);
      const waited = now - job.queuedAt;
      out.placed.push({
        job,
        agentId: f.agent.id,
        why: `placed on '${f.agent.name}' (${CLASS_WORDS[job.class]}, est. ${about(job.estimateMs)}${waited >= 1000 ? `, waited ${about(waited)}` : ""})`,
      });
    } else if (!covering.length) out.waiting.push({ job, kind: "no-label", ahead: 0, why: noLabel(job, agents) });
    else if (!large.length) out.waiting.push({ job, kind: "too-large", ahead: 0, why: tooLarge(job, covering) });
    else out.waiting.push(busy(job, large, groups, now, policy));
  }
  return out;
}

function busy(job: PendingJob, large: Free[], groups: Map<string, Group>, now: number, policy: SchedulePolicy): Wait {
  const ids = large.map((f) => f.agent.id);
  let ahead = 0;
  let estMs = 0;
  const byProject = new Map<string, number>();
  for (const g of groups.values()) {
    if (!ids.some((id) => g.agents.has(id))) continue;
    ahead += g.count;
    estMs += g.estMs;
    for (const [p, n] of g.byProject) byProject.set(p, (byProject.get(p) ?? 0) + n);
  }
  const key = ids.join("\0");
  const g = groups.get(key) ?? { agents: new Set(ids), count: 0, estMs: 0, byProject: new Map() };
  g.count++;
  g.estMs += job.estimateMs;
  g.byProject.set(job.project, (g.byProject.get(job.project) ?? 0) + 1);
  groups.set(key, g);

  const slots = large.reduce((n, f) => n + f.agent.concurrency, 0);
  const top = [...byProject].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
  const whose = !top ? "" : top[1] === ahead ? ` of project ${top[0]}` : ` (${top[1]} of project ${top[0]})`;
  let why = ahead
    ? `queued behind ${ahead} job${ahead === 1 ? "" : "s"}${whose}, est. ${about(estMs / slots)}`
    : `waiting: ${large.length === 1 ? `agent '${large[0]!.agent.name}' is` : `the ${large.length} agents that fit are`} busy`;
  if (now - job.queuedAt >= policy.reserveAfterMs && !large.some((f) => f.reservedBy === job)) {
    const f = large.filter((x) => !x.reservedBy).sort((a, b) => a.agent.running - b.agent.running)[0];
    if (f) {
      f.reservedBy = job;
      why += `; reserves '${f.agent.name}' (waited ${about(now - job.queuedAt)})`;
    }
  }
  return { job, kind: "busy", ahead, why };
}

/** A job's priority score: its class's weight × its response ratio (wait + estimate) / estimate. */
export function jobScore(j: PendingJob, now: number, policy: SchedulePolicy): number {
  const est = Math.max(j.estimateMs, policy.minEstimateMs);
  return (policy.weight[j.class] * (Math.max(0, now - j.queuedAt) + est)) / est;
}

function fitsWhole(a: AgentSlots, need: Resources): boolean {
  return (
    a.concurrency >= 1 && (a.capacity.cpus ?? Infinity) >= need.cpus && (a.capacity.memory ?? Infinity) >= need.memory
  );
}

function fitsFree(f: Free, need: Resources): boolean {
  return f.slots >= 1 && f.cpus >= need.cpus && f.memory >= need.memory;
}

/** What a placement leaves free on `f`, comparable across agents (cpus first, unlimited last). */
function leftover(f: Free, job: PendingJob): number {
  const cpus = f.cpus - job.resources.cpus;
  return Number.isFinite(cpus) ? cpus : Number.MAX_SAFE_INTEGER;
}

function noLabel(job: PendingJob, agents: readonly AgentSlots[]): string {
  if (!agents.length) return "waiting: no agent is online";
  const missing = job.labels.filter((l) => !agents.some((a) => a.labels.includes(l)));
  if (missing.length) return `waiting: no agent with label${missing.length === 1 ? "" : "s"} ${missing.join(", ")}`;
  return `waiting: no agent carries all of ${job.labels.join(", ")}`;
}

function tooLarge(job: PendingJob, covering: Free[]): string {
  const most = (k: "cpus" | "memory") => Math.max(...covering.map((f) => f.agent.capacity[k] ?? Infinity));
  const { cpus, memory } = job.resources;
  if (most("cpus") < cpus)
    return `waiting: needs ${cpus} cpus, the largest agent that fits its labels has ${most("cpus")}`;
  if (most("memory") < memory)
    return `waiting: needs ${gib(memory)} of memory, the largest agent that fits its labels has ${gib(most("memory"))}`;
  return `waiting: no agent that fits its labels has both ${cpus} cpus and ${gib(memory)}`;
}

const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(bytes % 2 ** 30 ? 1 : 0)} GiB`;

/** A duration in words: "40 s", "2 min", "1 h 5 min". */
function about(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ""}`;
}
