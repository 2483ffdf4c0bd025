import { describe, expect, it } from "vitest";
import { placeJobs } from "./place-jobs.js";
import { type AgentSlots, DEFAULT_SCHEDULE_POLICY, FIFO_POLICY, type PendingJob } from "./schedule-policy.js";

const MIN = 60_000;
const GiB = 2 ** 30;
const now = 100 * MIN;

function job(id: string, over: Partial<PendingJob> = {}): PendingJob {
  return {
    id,
    project: "shop",
    class: "pull-request",
    labels: [],
    resources: { cpus: 1, memory: 0 },
    queuedAt: now,
    estimateMs: 2 * MIN,
    ...over,
  };
}

function agent(id: string, over: Partial<AgentSlots> = {}): AgentSlots {
  return {
    id,
    name: id,
    labels: ["linux"],
    concurrency: 1,
    capacity: {},
    running: 0,
    used: { cpus: 0, memory: 0 },
    ...over,
  };
}

const place = (
  jobs: PendingJob[],
  agents: AgentSlots[],
  policy = DEFAULT_SCHEDULE_POLICY,
  running?: Map<string, number>,
) => placeJobs(jobs, agents, { now, policy, runningByProject: running });

describe("placeJobs", () => {
  it("puts heal fixes and the default branch before pull requests; FIFO takes the oldest", () => {
    const jobs = [
      job("pr", { queuedAt: now - 3 * MIN }),
      job("main", { class: "default-branch", queuedAt: now - MIN }),
      job("fix", { class: "heal" }),
    ];
    const pitcrew = place(jobs, [agent("a")]);
    expect(pitcrew.placed.map((p) => p.job.id)).toEqual(["fix"]);
    expect(pitcrew.waiting.map((w) => w.job.id)).toEqual(["main", "pr"]);
    expect(pitcrew.placed[0]!.why).toBe("placed on 'a' (heal fix, est. 2 min)");
    expect(pitcrew.waiting[1]!.why).toBe("queued behind 1 job of project shop, est. 2 min");
    expect(place(jobs, [agent("a")], FIFO_POLICY).placed.map((p) => p.job.id)).toEqual(["pr"]);
  });

  it("raises a waiting job's score until it passes newer jobs of a higher class: no starvation", () => {
    const old = job("old-pr", { queuedAt: now - 25 * MIN });
    const fresh = job("main", { class: "default-branch" });
    expect(place([old, fresh], [agent("a")]).placed.map((p) => p.job.id)).toEqual(["old-pr"]);
    const recent = job("pr", { queuedAt: now - MIN });
    expect(place([recent, fresh], [agent("a")]).placed.map((p) => p.job.id)).toEqual(["main"]);
    // a short pull request passes a long default-branch job once it has waited twice its length
    const long = job("main-long", { class: "default-branch", estimateMs: 20 * MIN });
    const short = job("pr-short", { estimateMs: MIN, queuedAt: now - 2 * MIN });
    expect(place([long, short], [agent("a")]).placed.map((p) => p.job.id)).toEqual(["pr-short"]);
  });

  it("shares between projects: the one running fewer jobs goes first, then the shortest job", () => {
    const jobs = [
      job("big-1", { project: "big", estimateMs: MIN }),
      job("big-2", { project: "big", estimateMs: MIN }),
      job("small-long", { project: "small", estimateMs: 9 * MIN }),
      job("small-short", { project: "small", estimateMs: 3 * MIN }),
    ];
    const s = place(jobs, [agent("a", { concurrency: 3 })], DEFAULT_SCHEDULE_POLICY, new Map([["big", 1]]));
    expect(s.placed.map((p) => p.job.id)).toEqual(["small-short", "big-1", "small-long"]);
    expect(s.waiting.map((w) => w.job.id)).toEqual(["big-2"]);
  });

  it("places by labels and free cpus and memory, the best fit first", () => {
    const agents = [
      agent("big", { concurrency: 4, capacity: { cpus: 8, memory: 16 * GiB } }),
      agent("small", { concurrency: 4, capacity: { cpus: 2, memory: 4 * GiB } }),
      agent("gpu", { labels: ["linux", "gpu"], concurrency: 2, capacity: { cpus: 4 } }),
    ];
    const s = place(
      [
        job("train", { labels: ["gpu"], estimateMs: 1 }),
        job("wide", { resources: { cpus: 6, memory: 8 * GiB }, estimateMs: 2 }),
        job("narrow", { resources: { cpus: 2, memory: GiB }, estimateMs: 3 }),
        job("second-wide", { resources: { cpus: 6, memory: 0 }, estimateMs: 4 }),
      ],
      agents,
    );
    expect(Object.fromEntries(s.placed.map((p) => [p.job.id, p.agentId]))).toEqual({
      train: "gpu",
      wide: "big",
      narrow: "big", // leaves 0 cpus free there, 2 on 'small' (kept for the next 2-cpu job)
    });
    expect(s.waiting).toEqual([
      expect.objectContaining({ kind: "busy", why: "waiting: agent 'big' is busy", ahead: 0 }),
    ]);
  });

  it("says why a job cannot be placed at all", () => {
    const agents = [agent("a", { capacity: { cpus: 4, memory: 8 * GiB } })];
    const s = place(
      [
        job("g", { labels: ["gpu"] }),
        job("c", { resources: { cpus: 16, memory: 0 } }),
        job("m", { resources: { cpus: 1, memory: 32 * GiB } }),
      ],
      agents,
    );
    expect(s.waiting.map((w) => [w.kind, w.why])).toEqual([
      ["too-large", "waiting: needs 16 cpus, the largest agent that fits its labels has 4"],
      ["no-label", "waiting: no agent with label gpu"],
      ["too-large", "waiting: needs 32 GiB of memory, the largest agent that fits its labels has 8 GiB"],
    ]);
    expect(place([job("x")], []).waiting[0]!.why).toBe("waiting: no agent is online");
  });

  it("lets a starving wide job reserve an agent instead of being overtaken by narrow ones forever", () => {
    const a = agent("a", { concurrency: 4, capacity: { cpus: 4 }, running: 1, used: { cpus: 1, memory: 0 } });
    const wide = job("wide", { resources: { cpus: 4, memory: 0 }, estimateMs: 9 * MIN });
    const narrow = job("narrow", { estimateMs: MIN });
    expect(place([wide, narrow], [a]).placed.map((p) => p.job.id)).toEqual(["narrow"]);
    const starving = { ...wide, queuedAt: now - 11 * MIN };
    const s = place([starving, narrow], [a]);
    expect(s.placed).toEqual([]);
    expect(s.waiting[0]!.why).toBe("waiting: agent 'a' is busy; reserves 'a' (waited 11 min)");
  });

  it("is deterministic", () => {
    const jobs = Array.from({ length: 50 }, (_, i) =>
      job(`j${i}`, { project: `p${i % 3}`, estimateMs: (i * 7919) % 600_000, queuedAt: now - (i % 5) * MIN }),
    );
    const agents = [agent("a", { concurrency: 3 }), agent("b", { concurrency: 2 })];
    expect(place(jobs, agents)).toEqual(place([...jobs].reverse(), [...agents]));
  });
});
