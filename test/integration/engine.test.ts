import { createServer, type Server } from "node:http";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rerunRun, triggerRun } from "../../src/runner/index.js";
import { createRepo, gitIn } from "../support/git-repo.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

describe("CI engine", () => {
  let t: TestApp;
  let n = 0;
  beforeAll(async () => {
    t = await startTestApp({ concurrency: 3 });
  });
  afterAll(async () => t?.dispose());

  /** Runs `yaml` in a new project; `sandbox: false` is an admin trusting it to touch host files. */
  async function runPipeline(yaml: string, opts: { sandbox?: boolean } = {}) {
    const repo = createRepo({ ".pitcrew/pipeline.yaml": yaml });
    const project = await t.app.store.projects.create({ name: `p${++n}`, repoUrl: repo, sandbox: opts.sandbox });
    const res = await triggerRun(t.app.runner, project.id, { event: "manual", triggeredBy: "test" });
    const status = await t.waitForRun(res.run!.id);
    const jobs = await t.app.store.jobs.listForRun(res.run!.id);
    return { runId: res.run!.id, status, jobs: Object.fromEntries(jobs.map((j) => [j.key, j])) };
  }

  it("fails at once a job whose runs-on no runner has, and skips what needs it", async () => {
    const r = await runPipeline(`jobs:
  build:
    runs-on: ubuntu-latest
    steps: [{ run: "true" }]
  deploy:
    needs: build
    steps: [{ run: "true" }]
  local:
    runs-on: [linux]
    steps: [{ run: "true" }]
`);
    expect(r.status).toBe("failure");
    expect(r.jobs.build).toMatchObject({
      status: "failure",
      reason: expect.stringMatching(/^no runner has label\(s\) ubuntu-latest \(runner labels: .*linux/),
    });
    expect(r.jobs.deploy).toMatchObject({ status: "skipped", reason: "a needed job failed" });
    expect(r.jobs.local).toMatchObject({ status: "success" });
    const steps = await t.app.store.steps.listForJobs([r.jobs.build!.id]);
    expect(steps.every((s) => s.status !== "running" && s.status !== "success")).toBe(true);
  });

  it("runs each step at its turn when the next one is staged ahead: a skipped step's sandbox never runs", async () => {
    const r = await runPipeline(`jobs:
  staged:
    steps:
      - run: echo one > one.txt; mkdir -p made/later
      - working-directory: made/later
        run: pwd | grep -q /made/later$ && test -e ../../one.txt
      - run: exit 3
      - run: touch skipped.txt
      - if: always()
        run: test ! -e skipped.txt
      - if: always()
        run: test -e one.txt
`);
    expect(r.status).toBe("failure");
    const steps = await t.app.store.steps.listForJobs([r.jobs.staged!.id]);
    expect(steps.sort((a, b) => a.idx - b.idx).map((s) => s.status)).toEqual([
      "success",
      "success",
      "failure",
      "skipped",
      "success",
      "success",
    ]);
  });

  it("retries a failing job with backoff until it passes", async () => {
    const counter = join(mkdtempSync(join(tmpdir(), "pitcrew-retry-")), "count");
    const r = await runPipeline(
      `jobs:
  flaky:
    retries: { count: 2, backoff: 100ms }
    steps:
      - run: echo x >> ${counter}; test "$(wc -l < ${counter})" -ge 3
`,
      { sandbox: false },
    );
    expect(r.status).toBe("success");
    expect(r.jobs.flaky).toMatchObject({ status: "success", attempt: 3 });
    const events = await t.app.events.list({ subjectPrefix: `run:${r.runId}`, type: "job.retrying" });
    expect(events.map((e) => e.data.delayMs)).toEqual([100, 200]);
  });

  it("applies needs, conditions, continue-on-error and job timeouts", async () => {
    const r = await runPipeline(`jobs:
  broken:
    steps: [{ run: "exit 3" }]
  soft:
    continue-on-error: true
    steps: [{ run: "exit 1" }]
  after-broken:
    needs: broken
    steps: [{ run: "true" }]
  after-after-broken:
    needs: after-broken
    steps: [{ run: "true" }]
  on-failure:
    needs: broken
    if: failure()
    steps: [{ run: "echo cleaning up" }]
  after-soft:
    needs: soft
    steps: [{ run: "true" }]
  slow:
    timeout: 1s
    steps: [{ run: "sleep 20" }]
`);
    expect(r.status).toBe("failure");
    expect(r.jobs.broken).toMatchObject({ status: "failure", exitCode: 3 });
    expect(r.jobs["after-broken"]).toMatchObject({ status: "skipped", reason: "a needed job failed" });
    expect(r.jobs["after-after-broken"]?.status).toBe("skipped");
    expect(r.jobs["on-failure"]?.status).toBe("success");
    expect(r.jobs["after-soft"]?.status).toBe("success");
    expect(r.jobs.slow?.status).toBe("failure");
    expect(r.jobs.slow?.reason).toMatch(/timed out/);
  });

  it("re-runs only the failed jobs of a run, in place", async () => {
    const flag = join(mkdtempSync(join(tmpdir(), "pitcrew-rerun-")), "ok");
    const r = await runPipeline(
      `jobs:
  good:
    steps: [{ run: "true" }]
  bad:
    steps: [{ run: "test -f ${flag}" }]
  after:
    needs: bad
    steps: [{ run: "true" }]
`,
      { sandbox: false },
    );
    expect(r.status).toBe("failure");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(flag, "now it passes");
    await rerunRun(t.app.runner, r.runId, { failedOnly: true, by: "test" });
    expect(await t.waitForRun(r.runId)).toBe("success");
    const jobs = Object.fromEntries((await t.app.store.jobs.listForRun(r.runId)).map((j) => [j.key, j]));
    expect(jobs.good?.attempt).toBe(1);
    expect(jobs.bad).toMatchObject({ status: "success", attempt: 2 });
    expect(jobs.after).toMatchObject({ status: "success", attempt: 2 });
  });

  describe("sandboxed jobs", () => {
    let server: Server;
    let port = 0;
    beforeAll(async () => {
      server = createServer((_q, s) => s.end("reachable"));
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      port = (server.address() as { port: number }).port;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it("cannot reach a loopback server or write outside the workspace unless granted (by default)", async () => {
      if (!t.app.runner.executors.sandbox) throw new Error("bubblewrap is required for this test");
      const outside = mkdtempSync(join(tmpdir(), "pitcrew-outside-"));
      const r = await runPipeline(`jobs:
  no-net:
    steps: [{ run: "exec 3<>/dev/tcp/127.0.0.1/${port}" }]
  no-write:
    steps: [{ run: "touch ${outside}/escaped" }]
  writes-inside:
    sandbox: true
    steps: [{ run: "touch inside && test -f inside" }]
  with-net:
    sandbox: { network: true }
    steps: [{ run: "exec 3<>/dev/tcp/127.0.0.1/${port}" }]
`);
      expect(r.jobs["no-net"]?.status).toBe("failure");
      expect(r.jobs["no-write"]?.status).toBe("failure");
      expect(r.jobs["writes-inside"]?.status).toBe("success");
      expect(r.jobs["with-net"]?.status).toBe("success");
      const { existsSync } = await import("node:fs");
      expect(existsSync(join(outside, "escaped"))).toBe(false);
    });
  });

  describe("where bubblewrap is not usable", () => {
    it("refuses untrusted triggers unless runner.allow_unsandboxed, and runs trusted ones with a warning", async () => {
      const { sandbox } = t.app.runner.executors;
      const { options } = t.app.runner;
      t.app.runner.executors.sandbox = undefined;
      try {
        const repo = createRepo({ ".pitcrew/pipeline.yaml": "jobs:\n  build:\n    steps: [{ run: 'true' }]\n" });
        gitIn(repo, "branch", "feature");
        const project = await t.app.store.projects.create({ name: `p${++n}`, repoUrl: repo });
        const trigger = (event: "push" | "pull_request", branch: string) =>
          triggerRun(t.app.runner, project.id, { event, branch, triggeredBy: "test", ignoreTriggers: true });

        for (const [event, branch, what] of [
          ["push", "feature", "branch 'feature'"],
          ["pull_request", "feature", "a pull request"],
        ] as const) {
          const refused = (await trigger(event, branch)).run!;
          expect(refused.status).toBe("failure");
          expect(refused.reason).toBe(
            `refused: ${what} is untrusted code and jobs cannot be sandboxed here (bubblewrap is not usable); ` +
              "install bubblewrap, or let an admin set runner.allow_unsandboxed: true (docs/security.md)",
          );
          expect(await t.app.store.jobs.listForRun(refused.id)).toEqual([]);
        }

        const trusted = (await trigger("push", "main")).run!;
        expect(await t.waitForRun(trusted.id)).toBe("success");
        const [job] = await t.app.store.jobs.listForRun(trusted.id);
        const lines = (await t.app.store.logs.list(job!.id, 1, 0, 100)).map((l) => l.line);
        expect(lines).toContain(
          "warning: bubblewrap is not usable on this worker: the steps run unsandboxed, as pitcrew's own user",
        );

        options.allowUnsandboxed = true;
        const allowed = (await trigger("pull_request", "feature")).run!;
        expect(await t.waitForRun(allowed.id)).toBe("success");
      } finally {
        t.app.runner.executors.sandbox = sandbox;
        options.allowUnsandboxed = false;
      }
    });
  });
});
