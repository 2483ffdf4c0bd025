import { describe, expect, it } from "vitest";
import type { Agent } from "../store/index.js";
import { OfferBoard, type Offered } from "./offer-board.js";
import { DEFAULT_SCHEDULE_POLICY, type PendingJob } from "./schedule-policy.js";

const agent = (id: number, labels: string[]): Agent => ({
  id,
  name: `a${id}`,
  tokenId: 1,
  labels,
  capacity: {},
  concurrency: 1,
  version: "1",
  state: "online",
  registeredAt: 0,
  lastHeartbeatAt: 0,
});

const offer = (id: string, over: Partial<PendingJob> = {}): Offered => {
  const pending: PendingJob = {
    id,
    project: "p",
    class: "pull-request",
    labels: [],
    resources: { cpus: 1, memory: 0 },
    queuedAt: 0,
    estimateMs: 60_000,
    ...over,
  };
  return {
    labels: [...pending.labels],
    pending,
    view: {
      jobId: 1,
      runId: 1,
      key: id,
      project: "p",
      class: pending.class,
      estimateMs: 60_000,
      estimateWhy: "",
      since: "",
    },
  };
};

const never = new AbortController().signal;

describe("OfferBoard", () => {
  it("gives a poll the policy's first offer that its agent can take", async () => {
    const board = new OfferBoard<Offered>(DEFAULT_SCHEDULE_POLICY, () => 0);
    board.add(offer("pr"));
    board.add(offer("gpu-main", { class: "default-branch", labels: ["gpu"] }));
    board.add(offer("main", { class: "default-branch" }));
    const got = await board.next(agent(1, ["linux"]), () => [], Date.now(), never);
    expect(got?.pending.id).toBe("main");
    expect(board.size).toBe(2);
  });

  it("wakes a waiting poll when an offer it may take arrives, and ends it at its deadline", async () => {
    const board = new OfferBoard<Offered>(DEFAULT_SCHEDULE_POLICY, () => 0);
    const waiting = board.next(agent(1, ["linux"]), () => [], Date.now() + 5_000, never);
    board.add(offer("gpu", { labels: ["gpu"] }));
    board.add(offer("plain"));
    expect((await waiting)?.pending.id).toBe("plain");
    const started = Date.now();
    expect(await board.next(agent(1, ["linux"]), () => [], Date.now() + 50, never)).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(board.views([], [agent(1, ["linux"])]).map((v) => v.why)).toEqual(["waiting: no agent with label gpu"]);
  });
});
