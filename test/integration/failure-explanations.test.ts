/**
 * Failure analysis through the server on real failing pipelines run by the engine (unsandboxed:
 * their steps use tools of pitcrew's own checkout): a TypeScript compile error, a failing vitest
 * test with its JUnit report, `npm ci` with a lock file out of sync with package.json, a step
 * killed by its timeout, a killed process; a job that passes on the same commit in another run is
 * flaky (its earlier failure reclassified, a later one classified so at once). Each failed job is explained after
 * it ends, stored, announced as `job.explained` and served by GET /api/runs/:id/explanation; the
 * line that says why ranks in the top 5. A job with 20 green runs and then a red one ranks the red
 * lines first, compared with its latest successful runs.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFailureExplanations } from "../../src/failures/index.js";
import { triggerRun } from "../../src/runner/index.js";
import { commitFiles, createRepo } from "../support/git-repo.js";
import { runCli } from "../support/run-cli.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

const NODE_MODULES = join(process.cwd(), "node_modules");

interface ExplainedJob {
  key: string;
  category: string;
  confidence: number;
  lines: { line: number; text: string; score: number; evidence: Record<string, unknown> }[];
  comparedRuns: number[];
  failedTests: string[];
}

describe("failure explanations through the server", () => {
  let t: TestApp;
  let stop: () => void;
  let n = 0;
  beforeAll(async () => {
    t = await startTestApp({ concurrency: 2 });
    stop = startFailureExplanations(t.app);
  });
  afterAll(async () => {
    stop?.();
    await t?.dispose();
  });

  async function runOnce(projectId: number): Promise<number> {
    const res = await triggerRun(t.app.runner, projectId, { event: "manual", triggeredBy: "test" });
    await t.waitForRun(res.run!.id, 120_000);
    return res.run!.id;
  }

  /** The run's explanation from the API, once its failed jobs are explained. */
  async function explanation(runId: number): Promise<ExplainedJob[]> {
    const end = Date.now() + 60_000;
    for (;;) {
      const res = await t.server.inject({
        method: "GET",
        url: `/api/runs/${runId}/explanation`,
        headers: { authorization: `Bearer ${t.adminToken}` },
      });
      expect(res.statusCode).toBe(200);
      const jobs = res.json().jobs as ExplainedJob[];
      if (jobs.length > 0) return jobs;
      if (Date.now() > end) throw new Error(`run ${runId} not explained`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function explainPipeline(files: Record<string, string>) {
    const repo = createRepo(files);
    // The steps use tsc and vitest from pitcrew's own node_modules: a checkout under /tmp (as CI
    // clones may be) is hidden by the sandbox's private /tmp, so these projects run unsandboxed;
    // what is tested here is the analysis of the failed job, not the sandbox.
    const project = await t.app.store.projects.create({ name: `why${++n}`, repoUrl: repo, sandbox: false });
    const runId = await runOnce(project.id);
    const [job] = await explanation(runId);
    return { runId, job: job! };
  }

  const top5 = (job: ExplainedJob) => job.lines.slice(0, 5).map((l) => l.text);

  it("explains a TypeScript compile error", async () => {
    const { job } = await explainPipeline({
      ".pitcrew/pipeline.yaml": `jobs:
  build:
    steps:
      - run: echo compiling; ${NODE_MODULES}/.bin/tsc --noEmit --strict src/index.ts
`,
      "src/index.ts": 'export const answer: number = "forty-two";\n',
    });
    expect(job.category).toBe("compile");
    expect(top5(job).some((l) => /src\/index\.ts\(1,14\): error TS2322/.test(l))).toBe(true);
  });

  it("explains a failing vitest test, naming it from the JUnit report", async () => {
    const { runId, job } = await explainPipeline({
      ".pitcrew/pipeline.yaml": `jobs:
  test:
    reports: { junit: "reports/*.xml" }
    steps:
      - run: ln -s ${NODE_MODULES} node_modules && node_modules/.bin/vitest run --reporter=default --reporter=junit --outputFile.junit=reports/junit.xml
`,
      "sum.test.mjs": `import { expect, test } from "vitest";
test("adds two numbers", () => { expect(1 + 1).toBe(3); });
test("subtracts", () => { expect(2 - 1).toBe(1); });
`,
    });
    expect(job.category).toBe("test");
    expect(job.failedTests).toEqual(["adds two numbers"]);
    const best = job.lines.slice(0, 5);
    expect(best.some((l) => /adds two numbers|expected 2 to be 3/.test(l.text))).toBe(true);
    expect(best.some((l) => l.evidence.junit)).toBe(true);
    const events = await t.app.events.list({ subjectPrefix: `run:${runId}`, type: "job.explained" });
    expect(events[0]?.data).toMatchObject({ key: "test", category: "test" });
  });

  it("explains an npm install from a lock file out of sync with package.json", async () => {
    const { job } = await explainPipeline({
      ".pitcrew/pipeline.yaml": `jobs:
  install:
    steps:
      - run: npm ci --registry http://127.0.0.1:9/ --no-audit --no-fund
`,
      "package.json": JSON.stringify({ name: "app", version: "1.0.0", dependencies: { lib: "file:./lib" } }),
      "package-lock.json": JSON.stringify({
        name: "app",
        version: "1.0.0",
        lockfileVersion: 3,
        requires: true,
        packages: { "": { name: "app", version: "1.0.0" } },
      }),
      "lib/package.json": JSON.stringify({ name: "lib", version: "1.0.0" }),
    });
    expect(job.category).toBe("dependency");
    expect(top5(job).some((l) => /are in sync|Missing: lib@1\.0\.0 from lock file/.test(l))).toBe(true);
  });

  it("calls a failure flaky once the same job passes on the same commit, and at once after that", async () => {
    const marker = join(mkdtempSync(join(tmpdir(), "pitcrew-flaky-")), "passed-last");
    const step = `if [ -f ${marker} ]; then rm ${marker}; echo 'AssertionError: expected 1 to equal 2'; exit 1; else touch ${marker}; echo ok; fi`;
    const repo = createRepo({
      ".pitcrew/pipeline.yaml": `jobs:\n  test:\n    steps:\n      - run: ${JSON.stringify(step)}\n`,
    });
    const project = await t.app.store.projects.create({ name: `why${++n}`, repoUrl: repo, sandbox: false });
    writeFileSync(marker, ""); // the first run fails
    const first = await runOnce(project.id);
    const [before] = await explanation(first);
    expect(before!.category).not.toBe("flaky");
    await runOnce(project.id); // passes on the same commit
    await expect.poll(async () => (await explanation(first))[0]!.category, { timeout: 20_000 }).toBe("flaky");
    const third = await runOnce(project.id); // fails again: flaky at once
    const [now] = await explanation(third);
    expect(now).toMatchObject({ category: "flaky", confidence: 0.75 });
  });

  it("calls a failure flaky when every failed test is flaky by its stored history", async () => {
    const junit = (outcome: string) =>
      `<testsuite name="cart" tests="2"><testcase classname="cart" name="adds an item"/><testcase classname="cart" name="talks to the clock">${outcome}</testcase></testsuite>`;
    const script = (fails: boolean) =>
      `mkdir -p reports\ncat > reports/junit.xml <<'EOF'\n${junit(fails ? '<failure message="timed out waiting for tick"/>' : "")}\nEOF\n${fails ? "echo 'cart talks to the clock: timed out waiting for tick'; exit 1" : "echo ok"}\n`;
    const repo = createRepo({
      ".pitcrew/pipeline.yaml":
        "jobs:\n  test:\n    reports: { junit: reports/*.xml }\n    steps:\n      - run: sh t.sh\n",
      "t.sh": script(false),
    });
    const project = await t.app.store.projects.create({ name: `why${++n}`, repoUrl: repo, sandbox: false });
    // pass, fail, pass, fail, pass: two one-run failures between passes make the test flaky
    const reds: number[] = [];
    for (const fails of [false, true, false, true, false, true]) {
      commitFiles(repo, { "t.sh": script(fails), "n.txt": String(reds.length + Math.random()) }, "next");
      const id = await runOnce(project.id);
      if (fails) reds.push(id);
    }
    const [first] = await explanation(reds[0]!);
    expect(first!.category).not.toBe("flaky"); // no history yet
    const [last] = await explanation(reds[2]!);
    expect(last).toMatchObject({ category: "flaky", confidence: 0.6 });
    const rule = (last as unknown as { evidence: { rule: string }[] }).evidence.at(-1)!.rule;
    expect(rule).toMatch(/^test intelligence: flaky by its history: cart\.talks to the clock \(/);
  });

  it("leaves a quarantined flaky test out of the failed tests it names", async () => {
    // fails in odd-numbered runs: failed and passed on one commit after two runs, then quarantined
    const flaky = `import test from "node:test";
test("sometimes", () => {
  if (Number(process.env.PITCREW_RUN_NUMBER) % 2 === 1) throw new Error("odd run");
});
`;
    const repo = createRepo({
      ".pitcrew/pipeline.yaml": `jobs:
  test:
    steps:
      - tests: { framework: node-test, quarantine: true, files: "*.test.mjs" }
      - run: echo "deploy check failed, the service answered 503"; exit 1
`,
      "b.test.mjs": flaky,
    });
    const project = await t.app.store.projects.create({ name: `why${++n}`, repoUrl: repo, sandbox: false });
    const first = await runOnce(project.id);
    expect((await explanation(first))[0]!.failedTests).toEqual(["sometimes"]);
    await runOnce(project.id);
    const third = await runOnce(project.id);
    const stored = await t.app.store.reports.tests(third);
    expect(stored.map((c) => `${c.name}: ${c.status}${c.quarantined ? " (quarantined)" : ""}`)).toEqual([
      "sometimes: failed (quarantined)",
    ]);
    expect((await explanation(third))[0]!.failedTests).toEqual([]);
  }, 120_000);

  it("explains a step killed by its timeout", async () => {
    const { job } = await explainPipeline({
      ".pitcrew/pipeline.yaml": `jobs:
  slow:
    steps:
      - name: wait
        run: echo waiting; sleep 30
        timeout: 1s
`,
    });
    expect(job.category).toBe("timeout");
    expect(top5(job).some((l) => /step 'wait' failed: timed out after/.test(l))).toBe(true);
  });

  it("explains a killed process", async () => {
    const { job } = await explainPipeline({
      ".pitcrew/pipeline.yaml": `jobs:
  crash:
    steps:
      - name: work
        run: echo working; kill -KILL $$
`,
    });
    // SIGKILL (exit code 137 through the sandbox) is what the OOM killer sends: oom, half sure.
    expect(job).toMatchObject({ category: "oom", confidence: 0.5 });
    expect(top5(job).some((l) => /step 'work' failed: (killed by SIGKILL|exit code 137)/.test(l))).toBe(true);
  });

  it("ranks the red lines of a job with 20 green runs first, by novelty against them", async () => {
    const pipeline = `jobs:
  check:
    steps:
      - run: sh check.sh
`;
    const green = `for i in 1 2 3 4 5 6 7 8; do echo "processing batch $i of 8"; done
echo "warning: cache directory is cold"
echo "error summary: 0 errors"
echo "done"
`;
    const repo = createRepo({ ".pitcrew/pipeline.yaml": pipeline, "check.sh": green });
    // The steps use tsc and vitest from pitcrew's own node_modules: a checkout under /tmp (as CI
    // clones may be) is hidden by the sandbox's private /tmp, so these projects run unsandboxed;
    // what is tested here is the analysis of the failed job, not the sandbox.
    const project = await t.app.store.projects.create({ name: `why${++n}`, repoUrl: repo, sandbox: false });
    const greens: number[] = [];
    for (let i = 0; i < 20; i++) greens.push(await runOnce(project.id));
    for (const id of greens) expect((await t.app.store.runs.get(id)).status).toBe("success");
    commitFiles(
      repo,
      {
        "check.sh": `${green.replace('echo "done"\n', "")}echo "schema mismatch in table orders: column total missing"
echo "error summary: 1 errors"
exit 1
`,
      },
      "break the check",
    );
    const red = await runOnce(project.id);
    const [job] = await explanation(red);
    expect(job!.comparedRuns).toHaveLength(10);
    expect(job!.comparedRuns.every((id) => greens.includes(id))).toBe(true);
    const best = job!.lines.slice(0, 5);
    expect(best.map((l) => l.text)).toContain("schema mismatch in table orders: column total missing");
    expect(best.find((l) => l.text.startsWith("schema mismatch"))?.evidence.novelty).toMatchObject({
      score: 1,
      template: true,
    });
    // Lines every green run printed are not novel.
    expect(job!.lines.find((l) => l.text === "warning: cache directory is cold")?.evidence.novelty).toBeUndefined();
  }, 300_000);

  it("serves the explanation through the API, OpenAPI and `pitcrew runs why`; 404 for what does not exist", async () => {
    const auth = { authorization: `Bearer ${t.adminToken}` };
    const get = (url: string) => t.server.inject({ method: "GET", url, headers: auth });
    expect((await get("/api/runs/999999/explanation")).statusCode).toBe(404);
    const { runId, job } = await explainPipeline({
      ".pitcrew/pipeline.yaml": "jobs:\n  a:\n    steps: [{ run: 'echo fatal: could not read config; exit 4' }]\n",
    });
    expect(job.lines[0]!.text).toBe("fatal: could not read config");
    expect((await get(`/api/runs/${runId}/explanation?job=nope`)).statusCode).toBe(404);
    expect((await get(`/api/runs/${runId}/explanation?job=a`)).json().jobs).toHaveLength(1);
    expect(Object.keys((await get("/api/openapi.json")).json().paths)).toContain("/api/runs/{id}/explanation");

    const config = join(t.dataDir, "pitcrew.yaml");
    writeFileSync(config, `data_dir: ${t.dataDir}\ndatabase:\n  url: sqlite:${join(t.dataDir, "pitcrew.db")}\n`);
    const text = await runCli(config, "runs", "why", String(runId));
    expect(text.exitCode).toBeUndefined();
    expect(text.out).toContain(`run ${runId} job a (attempt 1)`);
    expect(text.out).toContain("fatal: could not read config");
    const json = await runCli(config, "runs", "why", String(runId), "--job", "a", "--json");
    const parsed = JSON.parse(json.out);
    expect(parsed).toMatchObject({ runId, jobs: [{ key: "a" }] });
    expect(parsed.jobs[0].lines[0].text).toBe("fatal: could not read config");
    const missing = await runCli(config, "runs", "why", String(runId), "--job", "nope");
    expect(missing).toMatchObject({ exitCode: 2, err: expect.stringContaining('job "nope" not found') });
    expect((await runCli(config, "runs", "why", "x")).exitCode).toBe(2);
  });
});
