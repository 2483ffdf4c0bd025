/**
 * The scheduler's duration estimate as a learned model (`job-duration`), on real stored job
 * history (SQLite and PostgreSQL): a project whose jobs change speed every few runs is better
 * served by a shorter median than the shipped rule's 8; training finds it, the gate promotes it
 * over the shipped rule on the week it never saw (same run, paired bootstrap), the hub's estimate
 * then uses it and says so, and a slower stream of jobs raises `model.drift`.
 */
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { DurationPredictor, JOB_DURATION, jobDurationModel, jobDurationScope } from "../../src/agents/index.js";
import { pendingJob } from "../../src/agents/hub-schedule.js";
import type { Clock } from "../../src/common/clock.js";
import { createSecretBox } from "../../src/common/secret-box.js";
import { createMemoryBus, EventLog } from "../../src/events/index.js";
import { checkDrift, ModelRegistry } from "../../src/learning/index.js";
import type { RunnerDeps } from "../../src/runner/index.js";
import { createStore, type Store } from "../../src/store/index.js";
import { type TestDatabase, testDialects } from "../support/databases.js";
import { plan } from "../support/test-history.js";

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 9, 1);
/** Seconds each job takes in each phase of 6 runs: the speed changes often. */
const LEVELS = [60, 240, 90, 300, 120, 30, 200];
const noise = (i: number) => {
  const x = Math.sin((i + 1) * 12.9898) * 43758.5453;
  return x - Math.floor(x);
};

describe.each(await testDialects())("job-duration model on %s", (_name, make) => {
  let tdb: TestDatabase | undefined;
  afterEach(async () => {
    await tdb?.dispose();
    tdb = undefined;
  });

  async function setup() {
    tdb = await make();
    let t = T0;
    const clock: Clock = { now: () => t };
    const store: Store = createStore(tdb.database, clock, createSecretBox(randomBytes(32)));
    const events = new EventLog(store.events, createMemoryBus(), clock);
    const project = await store.projects.create({ name: "shop", repoUrl: "/tmp/shop" });
    const jobs = ["build", "test"].map((key) => ({ ...plan.jobs[0]!, key, name: key }));
    let n = 0;
    /** Stores one run of `build` and `test`, each lasting `seconds(job index, run index)`; one run every 3 h. */
    const run = async (seconds: (k: number, i: number) => number, finish = true) => {
      t = T0 + n * (DAY / 8);
      const r = await store.runs.create({
        projectId: project.id,
        event: "push",
        branch: "main",
        commit: n.toString(16).padStart(40, "0"),
        plan: { ...plan, jobs },
        triggeredBy: "test",
      });
      const stored = await store.jobs.listForRun(r.id);
      if (finish) {
        for (const [k, job] of stored.entries()) {
          await store.jobs.transition(job.id, ["queued"], "running");
          t += Math.round(seconds(k, n) * 1000);
          await store.jobs.transition(job.id, ["running"], "success");
        }
      }
      n++;
      return stored;
    };
    const changing = (k: number, i: number) =>
      LEVELS[Math.floor(i / 6) % LEVELS.length]! * (1 + k) * (0.95 + 0.1 * noise(i * 2 + k));
    return { store, events, clock, project, run, changing, deps: { store, events, clock }, at: () => t };
  }

  it("learns a shorter median from a fast-changing history, is promoted over the shipped rule, and serves the hub's estimate", async () => {
    const { store, deps, project, run, changing, clock } = await setup();
    for (let i = 0; i < 8 * 35; i++) await run(changing); // 35 days, 8 runs a day
    const registry = new ModelRegistry(deps, [jobDurationModel]);
    const scope = jobDurationScope(project.id);
    const trained = await registry.train(JOB_DURATION, scope, { horizonMs: 7 * DAY, windowMs: 60 * DAY });
    const state = trained.state as { window: number; minSamples: number };
    expect(state.window).toBeLessThan(8);
    expect(trained.counts).toMatchObject({ evaluation: 2 * 8 * 7 });
    const decision = trained.metrics.decision as {
      promote: boolean;
      candidate: { metrics: Record<string, number> };
      incumbent: { metrics: Record<string, number> };
    };
    expect(decision.candidate.metrics.mae_s).toBeLessThan(decision.incumbent.metrics.mae_s!);
    expect(decision.incumbent.metrics.mae_last_duration_s).toBeGreaterThan(0); // the naive reference, same run
    const live = await registry.promote(JOB_DURATION, scope, trained.version);
    expect(live.status).toBe("live");
    expect(live.reason).toMatch(/mae_s/);

    // the hub's estimate for the next job uses the live version's settings and says so
    const [next] = await run(changing, false);
    const runnerDeps = { store, clock } as RunnerDeps;
    const predictor = new DurationPredictor();
    const { view } = await pendingJob(runnerDeps, predictor, { jobId: next!.id, attempt: 1 }, [], clock.now());
    expect(predictor.settingsOf("shop").window).toBe(state.window);
    expect(view.estimateWhy).toMatch(
      new RegExp(
        `^median of the last \\d runs of job build on any branch: \\d+m?\\d+s \\(job-duration v1: window ${state.window}, `,
      ),
    );

    // explanations through the port
    const history = await jobDurationModel.dataset(store, scope, { from: T0, to: clock.now() });
    const why = jobDurationModel.explain(state as never, {
      history,
      query: { job: "test", branch: "main", paths: [] },
    });
    expect(why.summary).toMatch(new RegExp(`^median of the last ${state.window} runs of job test on branch main: `));
  });

  it("raises model.drift when the jobs turn much slower, not on the same stream", async () => {
    const { store, events, deps, project, run, at } = await setup();
    const steady = (k: number, i: number) => 100 * (1 + k) * (0.9 + 0.2 * noise(i * 2 + k));
    for (let i = 0; i < 8 * 21; i++) await run(steady);
    const registry = new ModelRegistry(deps, [jobDurationModel]);
    const scope = jobDurationScope(project.id);
    const v = await registry.train(JOB_DURATION, scope, { horizonMs: 7 * DAY, windowMs: 60 * DAY });
    await registry.promote(JOB_DURATION, scope, v.version, { force: true });
    const check = () => checkDrift(deps, registry, JOB_DURATION, scope, { from: at() - 7 * DAY, to: at() });

    for (let i = 0; i < 8 * 7; i++) await run(steady);
    const r0 = await check();
    expect(r0?.drifted).toBe(false);
    for (let i = 0; i < 8 * 2; i++) await run((k, j) => 8 * steady(k, j)); // two days of a week's window
    const drifted = await check();
    expect(drifted?.drifted).toBe(true);
    expect(drifted?.reasons.join("; ")).toMatch(/feature log_duration_s PSI .*; live mae_s \d+\.\d+ is \d+\.\d+ worse/);
    expect(events).toBeDefined();
    expect((await store.events.list({ type: "model.drift" })).map((e) => e.data.model)).toEqual([JOB_DURATION]);
  });
});
