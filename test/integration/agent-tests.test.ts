/**
 * A pipeline's `tests:` block on a real `pitcrew agent` (real processes: a `pitcrew serve` that
 * runs no jobs itself and one agent), node:test files of a tiny real project: the server decides
 * the order from the stored history (the file that failed runs first the next time), fail_fast
 * says which files did not run, a known flaky failure is rerun and then quarantined (the step and
 * the pass-rate gate pass), and the history and quarantine are stored as for a server worker's
 * job. Also: the server refuses advice for a step without `tests:`, and keeps only the quarantined
 * ids its own advice called flaky. With `coverage: true`, the agent reduces its V8 coverage to the
 * dependency map and the server stores it as a server worker's (the map at the run's commit lists
 * the source file a test ran).
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/store/index.js";
import { type AgentProcess, startAgentProcess } from "../support/agent-process.js";
import { createRepo } from "../support/git-repo.js";
import { HAS_DIST, type ServeProcess, startServe, until } from "../support/serve-process.js";

const passing = (name: string) => `import test from "node:test";\ntest("${name}", () => {});\n`;
const usingLib = `import test from "node:test";\nimport { one } from "../src/lib.mjs";\ntest("a", () => { if (one() !== 1) throw new Error("no"); });\n`;
// Fails in odd-numbered runs, passes in even ones: flaky on one commit once run twice.
const flaky = `import test from "node:test";
test("sometimes", () => {
  if (Number(process.env.PITCREW_RUN_NUMBER) % 2 === 1) throw new Error("odd run");
});
`;

const PIPELINE = `gates: { tests_pass_rate: 1.0 }
jobs:
  test:
    steps:
      - name: unit tests
        tests:
          framework: node-test
          select: prioritize
          fail_fast: true
          rerun_flaky: 1
          quarantine: true
          coverage: true
          files: "test/*.test.mjs"
`;

describe.skipIf(!HAS_DIST)("tests: steps on pitcrew agent (real processes)", () => {
  let server: ServeProcess;
  let agent: AgentProcess;

  beforeAll(async () => {
    server = await startServe({ runner: { local: false }, agents: { lease: "5s" } });
    const created = await server.api("POST", "/api/tokens", { body: { name: "agents", role: "agent" } });
    expect(created.status).toBe(201);
    agent = startAgentProcess(server.base, created.body.token, "agent-tests", ["--poll-wait", "2000"]);
    await until(
      async () => (await server.api("GET", "/api/agents")).body.agents?.some((a: any) => a.state === "online"),
      30_000,
      "an online agent",
    );
  }, 60_000);
  afterAll(async () => {
    await agent?.stop("SIGKILL");
    await server?.stop();
  });

  const runOnce = async () => {
    const created = (await server.api("POST", "/api/projects/tiny/runs", { body: {} })).body;
    const done = await server.waitForRun(created.id, 60_000);
    const [job] = (await server.api("GET", `/api/runs/${created.id}`)).body.jobs as any[];
    const logs = (await server.api("GET", `/api/runs/${created.id}/logs?limit=5000`)).body.jobs as any[];
    const log = logs.flatMap((j) => j.lines.map((l: { line: string }) => l.line)).join("\n");
    const tests = ((await server.api("GET", `/api/runs/${created.id}/tests`)).body.tests as any[]).map(
      (c) => `${c.file}:${c.status}${c.quarantined ? " (quarantined)" : ""}`,
    );
    return { status: done.status as string, commit: done.commit as string, job, log, tests };
  };

  it("orders by the server's history, stops at the first failure, reruns and quarantines a known flaky test", async () => {
    const repo = createRepo({
      ".pitcrew/pipeline.yaml": PIPELINE,
      "src/lib.mjs": "export const one = () => 1;\n",
      "test/a.test.mjs": usingLib,
      "test/b.test.mjs": flaky,
      "test/c.test.mjs": passing("c"),
    });
    const project = await server.api("POST", "/api/projects", {
      body: { name: "tiny", repoUrl: repo, sandbox: false },
    });
    expect(project.status).toBe(201);

    // Run 1: no history, path order; b fails, fail_fast leaves c unrun and says so.
    const first = await runOnce();
    expect(first.log).toContain("running on agent 'agent-tests'");
    expect(first.status).toBe("failure");
    expect(first.tests).toEqual(["test/a.test.mjs:passed", "test/b.test.mjs:failed"]);
    expect(first.log).toContain(
      "tests: fail_fast: stopped after test/b.test.mjs; 1 file(s) did not run: test/c.test.mjs",
    );
    expect(first.job.reason).toBe("step 'unit tests' failed: 1 test file(s) failed: test/b.test.mjs");
    // The agent's dependency map of the files that ran, stored at the run's commit by the server.
    expect(first.log).toContain("tests: dependencies of 2 test file(s) recorded from the agent's V8 coverage");
    const database = await openDatabase(`sqlite:${join(server.dataDir, "data", "pitcrew.db")}`);
    try {
      const rows = await database.db
        .selectFrom("test_dependencies")
        .select(["test_file", "commit_sha", "source", "files"])
        .orderBy("test_file")
        .execute();
      expect(rows.map((r) => [r.test_file, r.commit_sha, r.source])).toEqual([
        ["test/a.test.mjs", first.commit, "v8"],
        ["test/b.test.mjs", first.commit, "v8"],
      ]);
      expect(rows[0]!.files.split("\n")).toContain("src/lib.mjs");
      expect(rows[1]!.files.split("\n")).not.toContain("src/lib.mjs");
    } finally {
      await database.close();
    }

    // Run 2, same commit: the server's advice puts b, which failed, first; it passes and is now
    // flaky (failed and passed on one commit).
    const second = await runOnce();
    expect(second.status).toBe("success");
    expect(second.log).toContain("tests: 3 of 3 file(s), select: prioritize (most likely failures first)");
    expect(second.tests[0]).toBe("test/b.test.mjs:passed");
    expect(second.tests.slice(1).sort()).toEqual(["test/a.test.mjs:passed", "test/c.test.mjs:passed"]);

    // Run 3: b fails again; known flaky, so it is rerun once, then quarantined: the step passes,
    // the pass-rate gate leaves its stored failures out, and they are stored as quarantined.
    const third = await runOnce();
    expect(third.log).toMatch(/tests: rerunning test\/b\.test\.mjs \(1 of 1\): test\/b\.test\.mjs\.sometimes is flaky/);
    expect(third.log).toMatch(
      /tests: quarantined test\/b\.test\.mjs\.sometimes in test\/b\.test\.mjs: .*passed on this commit/,
    );
    expect(third.tests.slice(0, 2)).toEqual([
      "test/b.test.mjs:failed (quarantined)",
      "test/b.test.mjs:failed (quarantined)",
    ]);
    expect(third.tests.slice(2).sort()).toEqual(["test/a.test.mjs:passed", "test/c.test.mjs:passed"]);
    expect(third.status).toBe("success");
    expect(third.log).not.toContain("are not: the server's advice never called them flaky");

    // The stored test history is the same as a server worker's: every outcome of b, newest first.
    const history = await server.api(
      "GET",
      `/api/projects/tiny/tests/history?test=${encodeURIComponent("test/b.test.mjs.sometimes")}`,
    );
    expect(history.status).toBe(200);
    expect((history.body.history as any[]).map((h) => h.status)).toEqual(["failed", "failed", "passed", "failed"]);
    const flakyList = await server.api("GET", "/api/projects/tiny/tests/flaky");
    expect(flakyList.body.tests).toEqual([expect.objectContaining({ id: "test/b.test.mjs.sometimes", flaky: true })]);
    // each run's advice is stored as a server worker's is: every file runs under prioritize
    const selections = (await server.api("GET", "/api/projects/tiny/tests/selections")).body.selections as {
      step: number;
      mode: string;
      filesRun: number;
      filesTotal: number;
      skippedCount: number;
      summary: string;
    }[];
    expect(selections.map((s) => [s.step, s.mode, s.filesRun, s.filesTotal, s.skippedCount])).toEqual([
      [0, "prioritize", 3, 3, 0],
      [0, "prioritize", 3, 3, 0],
      [0, "prioritize", 3, 3, 0],
    ]);
    expect(selections[0]?.summary).toBe("select: prioritize (most likely failures first)");
  }, 180_000);
});
