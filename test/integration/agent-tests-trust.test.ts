/**
 * What an agent says about a `tests:` step is untrusted at the server (the hub in one process, a
 * real store and git repository): advice is refused for a step without `tests:`, the mode is the
 * job's own, a repeated question gets the first answer, a quarantined test id the server's advice
 * never called flaky is stored as a plain failure (and said in the log), and an agent of protocol
 * 1 is told in the job's log that its tests: steps run as their plain command.
 */
import { Readable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { adviseHeldStep, PROTOCOL_VERSION } from "../../src/agents/index.js";
import { triggerRun } from "../../src/runner/index.js";
import type { TokenInfo } from "../../src/store/index.js";
import { createRepo } from "../support/git-repo.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

const PIPELINE = `jobs:
  test:
    steps:
      - run: echo build
      - name: unit tests
        tests:
          framework: node-test
          select: prioritize
          quarantine: true
          files: "test/*.test.mjs"
`;

const junit = `<?xml version="1.0"?>
<testsuites><testsuite name="x" tests="1" failures="1">
<testcase classname="test/a.test.mjs" name="a" time="0.01"><failure message="boom">boom</failure></testcase>
</testsuite></testsuites>
`;

describe("a tests: step on an agent, at the server", () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.dispose();
    t = undefined;
  });

  async function heldJob(protocol: number) {
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
    });
    const project = await app.store.projects.create({ name: "trust", repoUrl: repo, sandbox: false });
    const { info } = await app.store.tokens.create("agents", "agent");
    const body = { name: "worker", labels: [], capacity: {}, concurrency: 1, version: "test" };
    const agent = await app.agents.register(info as TokenInfo, body);
    const { run } = await triggerRun(app.runner, project.id, { event: "manual", triggeredBy: "test" });
    const a = await app.agents.lease(agent, 20_000, new AbortController().signal, protocol);
    if (!a || !run) throw new Error("the agent got no job");
    const held = await app.agents.heldBy(agent, a.lease);
    const log = async () => {
      await held.begun.logs.flush();
      return (await app.store.logs.list(a.job.id, a.job.attempt)).map((l) => l.line).join("\n");
    };
    // a job still held keeps its queue handler waiting: hand it back before the app is disposed
    const release = () => app.agents.release(agent, a.lease);
    return { app, agent, a, run, held, log, release };
  }

  it("answers only for a tests: step, in the job's own mode, once per step", async () => {
    const { app, a, held, release } = await heldJob(PROTOCOL_VERSION);
    expect(a.spec.steps[1]?.tests).toMatchObject({ framework: "node-test", select: "prioritize" });
    expect(() => adviseHeldStep(app.runner, held, 0, ["test/a.test.mjs"])).toThrow(
      /step 0 of job 'test' has no tests: block/,
    );
    const advice = await adviseHeldStep(app.runner, held, 1, ["test/a.test.mjs"]);
    expect(advice.run).toEqual(["test/a.test.mjs"]);
    expect(advice.summary).toMatch(/^select: prioritize/);
    // a retry (or a changed list) gets the first answer
    expect(await adviseHeldStep(app.runner, held, 1, ["test/a.test.mjs", "test/other.test.mjs"])).toEqual(advice);
    await release();
  }, 60_000);

  it("stores a failure the agent calls quarantined as a failure when the server never called it flaky", async () => {
    const { app, agent, a, run, held, log } = await heldJob(PROTOCOL_VERSION);
    await adviseHeldStep(app.runner, held, 1, ["test/a.test.mjs"]);
    await held.receive(".pitcrew/tests/1/0-0.xml", Readable.from([Buffer.from(junit)]));
    await app.agents.finish(agent, a.lease, {
      lastSeq: 0,
      status: "success",
      reason: null,
      exitCode: 0,
      quarantined: ["test/a.test.mjs.a"],
    });
    const tests = await app.store.reports.tests(run.id);
    expect(tests).toHaveLength(1);
    expect(tests[0]).toMatchObject({ classname: "test/a.test.mjs", name: "a", status: "failed" });
    expect(tests[0]?.quarantined ?? false).toBe(false);
    expect(await log()).toContain(
      "pitcrew: 1 test failure(s) the agent called quarantined are not: the server's advice never called them flaky",
    );
  }, 60_000);

  it("tells an agent of protocol 1 that its tests: steps run as their plain command", async () => {
    const { log, release } = await heldJob(1);
    expect(await log()).toMatch(/agent 'worker' speaks agent protocol 1: its tests: steps run as their plain command/);
    await release();
  }, 60_000);
});
