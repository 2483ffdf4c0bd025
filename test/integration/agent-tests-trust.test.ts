/**
 * What an agent says about a `tests:` step is untrusted at the server (the hub in one process, a
 * real store and git repository): advice is refused for a step without `tests:`, the mode is the
 * job's own, a repeated question gets the first answer, a quarantined test id the server's advice
 * never called flaky is stored as a plain failure (and said in the log), and an agent of protocol
 * 1 is told in the job's log that its tests: steps run as their plain command. A dependency map
 * (over HTTP, the route's own checks) is recorded only for a trusted run, decided from the
 * server's copy of the run; a hostile map (absolute path, `..`, a test file not of the step, 100k
 * files, an older protocol) is refused with 400 and nothing is stored.
 */
import { Readable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { adviseHeldStep, PROTOCOL_VERSION } from "../../src/agents/index.js";
import { PROTOCOL_HEADER } from "../../src/agents/protocol.js";
import { triggerRun } from "../../src/runner/index.js";
import type { TokenInfo } from "../../src/store/index.js";
import { createRepo, gitIn } from "../support/git-repo.js";
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
          coverage: true
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

  async function heldJob(protocol: number, branch?: string) {
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
    if (branch) gitIn(repo, "branch", branch);
    const { info, token } = await app.store.tokens.create("agents", "agent");
    const body = { name: "worker", labels: [], capacity: {}, concurrency: 1, version: "test" };
    const agent = await app.agents.register(info as TokenInfo, body);
    const { run } = await triggerRun(app.runner, project.id, { event: "manual", triggeredBy: "test", branch });
    const a = await app.agents.lease(agent, 20_000, new AbortController().signal, protocol);
    if (!a || !run) throw new Error("the agent got no job");
    const held = await app.agents.heldBy(agent, a.lease);
    const log = async () => {
      await held.begun.logs.flush();
      return (await app.store.logs.list(a.job.id, a.job.attempt)).map((l) => l.line).join("\n");
    };
    // a job still held keeps its queue handler waiting: hand it back before the app is disposed
    const release = () => app.agents.release(agent, a.lease);
    // a dependencies call over HTTP, in the protocol `version`
    const sendMap = (body: object, version = PROTOCOL_VERSION) =>
      t!.server.inject({
        method: "POST",
        url: `/api/agent/jobs/${a.lease}/dependencies`,
        headers: {
          authorization: `Bearer ${token}`,
          [PROTOCOL_HEADER]: String(version),
          "content-type": "application/json",
        },
        payload: JSON.stringify({ agentId: agent.id, step: 1, ...body }),
      });
    const stored = () => app.store.testDeps.latest(project.id);
    return { app, agent, a, run, held, log, release, sendMap, stored };
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

  it("records an agent's dependency map of a trusted run, and refuses a hostile one with 400, storing nothing", async () => {
    const { run, log, release, sendMap, stored } = await heldJob(PROTOCOL_VERSION);
    const test = (file: string, deps: number[]) => ({ file, deps });
    const refusals: [object, RegExp, number?][] = [
      [{ files: ["/etc/passwd"], tests: [test("test/a.test.mjs", [0])] }, /file '\/etc\/passwd' is absolute/],
      [{ files: ["src/../../x.js"], tests: [test("test/a.test.mjs", [0])] }, /contains a '\.\.' segment/],
      [
        { files: ["src/a.js"], tests: [test("../a.test.mjs", [0])] },
        /test file '\.\.\/a\.test\.mjs' contains a '\.\.'/,
      ],
      [
        { files: [], tests: [test("src/lib.test.mjs", [])] },
        /'src\/lib\.test\.mjs' is not one of the step's test files/,
      ],
      [
        { files: Array.from({ length: 100_000 }, (_, i) => `src/f${i}.js`), tests: [test("test/a.test.mjs", [0])] },
        /files/,
      ],
      [
        { step: 0, files: [], tests: [test("test/a.test.mjs", [])] },
        /step 0 of job 'test' has no tests: block with coverage: true/,
      ],
      [
        { files: ["src/a.js"], tests: [test("test/a.test.mjs", [0])] },
        /dependency maps are agent protocol 3; the agent sent 2/,
        2,
      ],
    ];
    for (const [body, message, version] of refusals) {
      const res = await sendMap(body, version);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.message).toMatch(message);
    }
    expect(await stored()).toEqual([]);

    const ok = await sendMap({ files: ["src/lib.mjs"], tests: [test("test/a.test.mjs", [0])] });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toEqual({ testFiles: 1 });
    expect(await stored()).toEqual([
      expect.objectContaining({
        testFile: "test/a.test.mjs",
        commitSha: run.commit,
        source: "v8",
        files: ["src/lib.mjs"],
      }),
    ]);
    expect(await log()).toContain("tests: dependencies of 1 test file(s) recorded from the agent's V8 coverage");
    await release();
  }, 60_000);

  it("records no map of an untrusted run (an unprotected branch), whatever the agent sends", async () => {
    const { log, release, sendMap, stored } = await heldJob(PROTOCOL_VERSION, "feature");
    const res = await sendMap({ files: ["src/lib.mjs"], tests: [{ file: "test/a.test.mjs", deps: [0] }] });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      testFiles: 0,
      notRecorded: "the run is untrusted (a pull request or an unprotected branch)",
    });
    expect(await stored()).toEqual([]);
    expect(await log()).toContain("tests: the agent's dependency map is not recorded: the run is untrusted");
    await release();
  }, 60_000);

  it("tells an agent of protocol 2 that its coverage records no dependency map", async () => {
    const { log, release } = await heldJob(2);
    expect(await log()).toMatch(
      /agent 'worker' speaks agent protocol 2: the V8 coverage of its tests: steps is not sent/,
    );
    await release();
  }, 60_000);
});
