/**
 * The server's test advice for an agent job's `tests:` step never hangs nor fails the job for want
 * of its checkout (a real app, store and git): when the process's checkout slots are all taken it
 * waits a bounded time, when the project's mirror hangs (its `objects/info/alternates` made a FIFO
 * no one writes: every git that reads the mirror blocks in open()) its deadline passes, and when
 * the mirror is gone and cannot be fetched again the checkout fails; each time the advice falls
 * back to the test history alone, says so in its summary and in the job's log, `finish` does not
 * wait longer, and the temporary checkout is removed.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { adviseHeldStep, PROTOCOL_VERSION } from "../../src/agents/index.js";
import {
  MAX_CONCURRENT_CHECKOUTS,
  mirrorDir,
  type ReleaseCheckoutSlot,
  triggerRun,
  tryCheckoutSlot,
} from "../../src/runner/index.js";
import type { TokenInfo } from "../../src/store/index.js";
import { createRepo } from "../support/git-repo.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

const PIPELINE = `jobs:
  test:
    steps:
      - name: unit tests
        tests:
          framework: node-test
          select: select
          files: "test/*.test.mjs"
`;

const FILES = ["test/a.test.mjs", "test/b.test.mjs"];

describe("the server's test advice for an agent job falls back instead of hanging or failing", () => {
  let t: TestApp | undefined;
  const slots: ReleaseCheckoutSlot[] = [];
  afterEach(async () => {
    for (const release of slots.splice(0)) release();
    await t?.dispose();
    t = undefined;
  });

  async function heldJob() {
    t = await startTestApp({
      configure: (c) => {
        c.runner.local = false;
        c.agents.lease = 60_000;
      },
    });
    const { app } = t;
    const repo = createRepo({
      ".pitcrew/pipeline.yaml": PIPELINE,
      "test/a.test.mjs": "import test from 'node:test';\ntest('a', () => {});\n",
      "test/b.test.mjs": "import test from 'node:test';\ntest('b', () => {});\n",
    });
    const project = await app.store.projects.create({ name: "fallback", repoUrl: repo, sandbox: false });
    const { info } = await app.store.tokens.create("agents", "agent");
    const body = { name: "worker", labels: [], capacity: {}, concurrency: 1, version: "test" };
    const agent = await app.agents.register(info as TokenInfo, body);
    const { run } = await triggerRun(app.runner, project.id, { event: "manual", triggeredBy: "test" });
    const a = await app.agents.lease(agent, 20_000, new AbortController().signal, PROTOCOL_VERSION);
    if (!a || !run) throw new Error("the agent got no job");
    const held = await app.agents.heldBy(agent, a.lease);
    const log = async () => {
      await held.begun.logs.flush();
      return (await app.store.logs.list(a.job.id, a.job.attempt)).map((l) => l.line).join("\n");
    };
    const mirror = mirrorDir(app.runner.dataDir, project.id);
    const checkouts = join(app.runner.dataDir, "test-advice");
    const finish = () =>
      app.agents.finish(agent, a.lease, { lastSeq: 0, status: "success", reason: null, exitCode: 0, quarantined: [] });
    return { app, held, log, mirror, repo, checkouts, finish };
  }

  /** Waits (bounded) until no temporary checkout is left. */
  async function noCheckoutLeft(dir: string) {
    for (let i = 0; i < 200 && existsSync(dir) && readdirSync(dir).length > 0; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
  }

  it("answers with a checkout normally and removes it", async () => {
    const { app, held, checkouts, finish } = await heldJob();
    const advice = await adviseHeldStep(app.runner, held, 0, [...FILES, "test/a.test.mjs"]);
    expect(advice.summary).toMatch(/^select: select \(change-based selection\)/);
    expect([...advice.run, ...advice.skipped.map((s) => s.file)].sort()).toEqual(FILES);
    const [stored] = await app.store.testSelections.list(held.begun.run.projectId, { limit: 10 });
    expect(stored).toMatchObject({
      mode: "select",
      filesTotal: FILES.length,
      filesRun: advice.run.length,
      fallback: null,
    });
    await noCheckoutLeft(checkouts);
    await finish();
  }, 60_000);

  it("waits a bounded time for a checkout slot, then falls back to the history and says so", async () => {
    const { app, held, log, checkouts, finish } = await heldJob();
    for (let i = 0; i < MAX_CONCURRENT_CHECKOUTS; i++) slots.push(tryCheckoutSlot()!);
    expect(slots.every(Boolean)).toBe(true);
    const advice = await adviseHeldStep(app.runner, held, 0, FILES, { slotWaitMs: 300, deadlineMs: 20_000 });
    expect(advice.run.sort()).toEqual(FILES);
    expect(advice.skipped).toEqual([]);
    const why = `all ${MAX_CONCURRENT_CHECKOUTS} checkouts for test selection were in use for 300 ms`;
    expect(advice.summary).toBe(
      `select: select fell back to the test history alone (${why}): every test file runs, most likely failures first`,
    );
    // stored before the agent hears it, with why it fell back
    const [stored] = await app.store.testSelections.list(held.begun.run.projectId, { limit: 10 });
    expect(stored).toMatchObject({ mode: "select", filesTotal: 2, filesRun: 2, skippedCount: 0, fallback: why });
    await finish();
    expect(await log()).toContain(
      `pitcrew: the server's test advice for step 0 fell back to the test history alone: ${why}`,
    );
    expect(existsSync(checkouts) ? readdirSync(checkouts) : []).toEqual([]);
  }, 60_000);

  it("falls back at its deadline when the mirror's git hangs; finish does not wait longer; the checkout goes", async () => {
    const { app, held, log, mirror, checkouts, finish } = await heldJob();
    const fifo = join(mirror, "objects", "info", "alternates");
    rmSync(fifo, { force: true });
    execFileSync("mkfifo", [fifo]);
    const asked = adviseHeldStep(app.runner, held, 0, FILES, { slotWaitMs: 1_000, deadlineMs: 1_500 });
    // finish waits for the pending advice, and no longer than its deadline
    await finish();
    const advice = await asked;
    expect(advice.summary).toMatch(
      /^select: select fell back to the test history alone \(the checkout and selection took over 1500 ms\)/,
    );
    expect(advice.run.sort()).toEqual(FILES);
    expect(await log()).toContain("fell back to the test history alone: the checkout and selection took over 1500 ms");
    // the hung git calls are killed at the deadline: the checkout is removed and its slot given back
    await noCheckoutLeft(checkouts);
    for (let i = 0; i < MAX_CONCURRENT_CHECKOUTS; i++) {
      let slot = tryCheckoutSlot();
      for (let n = 0; !slot && n < 100; n++) {
        await new Promise((r) => setTimeout(r, 50));
        slot = tryCheckoutSlot();
      }
      expect(slot).toBeDefined();
      slots.push(slot!);
    }
  }, 60_000);

  it("falls back when the checkout fails for good (mirror and repository gone)", async () => {
    const { app, held, log, mirror, repo, checkouts, finish } = await heldJob();
    rmSync(mirror, { recursive: true, force: true });
    rmSync(repo, { recursive: true, force: true });
    const advice = await adviseHeldStep(app.runner, held, 0, FILES);
    expect(advice.summary).toMatch(
      /^select: select fell back to the test history alone \(the checkout or selection failed: git fetch failed/,
    );
    expect(advice.run.sort()).toEqual(FILES);
    await finish();
    expect(await log()).toContain("fell back to the test history alone: the checkout or selection failed");
    await noCheckoutLeft(checkouts);
  }, 60_000);
});
