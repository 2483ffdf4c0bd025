import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { testDialects, type TestDatabase } from "../../test/support/databases.js";
import { systemClock } from "../common/clock.js";
import { createSecretBox } from "../common/secret-box.js";
import type { Plan, PlanJob } from "../common/plan.js";
import { createStore } from "./store.js";

function job(key: string, needs: string[] = []): PlanJob {
  return {
    key,
    name: key,
    matrix: {},
    needs,
    env: {},
    secrets: [],
    timeoutMs: 60_000,
    retries: { count: 0, backoffMs: 1000 },
    continueOnError: false,
    runsOn: [],
    sandbox: { enabled: false, network: false },
    steps: [{ name: "hi", run: "echo hi", env: {}, continueOnError: false }],
    artifacts: [],
    reports: { junit: [], coverage: [] },
  };
}
const plan: Plan = { name: "ci", env: {}, jobs: [job("build"), job("test", ["build"])], gates: {} };

describe.each(await testDialects())("store on %s", (_name, make) => {
  let tdb: TestDatabase | undefined;
  afterEach(async () => {
    await tdb?.dispose();
    tdb = undefined;
  });
  const open = async () => {
    tdb = await make();
    return createStore(tdb.database, systemClock, createSecretBox(randomBytes(32)));
  };

  it("creates projects and rejects duplicate names", async () => {
    const s = await open();
    const p = await s.projects.create({ name: "shop", repoUrl: "/tmp/x" });
    expect(p.defaultBranch).toBe("main");
    expect((await s.projects.resolve("shop")).id).toBe(p.id);
    expect((await s.projects.resolve(String(p.id))).name).toBe("shop");
    await expect(s.projects.create({ name: "shop", repoUrl: "/tmp/y" })).rejects.toThrow(/already exists/);
    await expect(s.projects.get(999)).rejects.toThrow(/not found/);
  });

  it("numbers runs per project and creates their jobs", async () => {
    const s = await open();
    const p = await s.projects.create({ name: "a", repoUrl: "/tmp/a" });
    const common = {
      projectId: p.id,
      event: "push" as const,
      branch: "main",
      commit: "c".repeat(40),
      plan,
      triggeredBy: "t",
    };
    const r1 = await s.runs.create(common);
    const r2 = await s.runs.create(common);
    expect([r1.number, r2.number]).toEqual([1, 2]);
    const jobs = await s.jobs.listForRun(r1.id);
    expect(jobs.map((j) => [j.key, j.status])).toEqual([
      ["build", "queued"],
      ["test", "queued"],
    ]);
    expect(jobs[1]?.spec.needs).toEqual(["build"]);
    expect((await s.runs.list({ projectId: p.id, limit: 1 })).map((r) => r.number)).toEqual([2]);
    expect((await s.runs.list({ projectId: p.id, before: r2.id })).map((r) => r.number)).toEqual([1]);
  });

  it("moves jobs only from the expected status (compare-and-set)", async () => {
    const s = await open();
    const p = await s.projects.create({ name: "b", repoUrl: "/tmp/b" });
    const r = await s.runs.create({
      projectId: p.id,
      event: "manual",
      branch: "main",
      commit: "d".repeat(40),
      plan,
      triggeredBy: "t",
    });
    const [j] = await s.jobs.listForRun(r.id);
    expect(await s.jobs.transition(j!.id, ["queued"], "running")).toBe(true);
    expect(await s.jobs.transition(j!.id, ["queued"], "running")).toBe(false);
    expect(await s.jobs.transition(j!.id, ["running"], "success", { exitCode: 0 })).toBe(true);
    const after = await s.jobs.get(j!.id);
    expect(after.status).toBe("success");
    expect(after.finishedAt).not.toBeNull();
  });

  it("stores a step's state and the events announcing it in one transaction", async () => {
    const s = await open();
    const p = await s.projects.create({ name: "e", repoUrl: "/tmp/e" });
    const r = await s.runs.create({
      projectId: p.id,
      event: "manual",
      branch: "main",
      commit: "f".repeat(40),
      plan,
      triggeredBy: "t",
    });
    const [j] = await s.jobs.listForRun(r.id);
    await s.steps.createForAttempt(j!.id, 2, ["a"]);
    const subject = `run:${r.id}`;
    const step = async () => (await s.steps.listForJobs([j!.id])).find((x) => x.attempt === 2)!;
    // An event the database refuses (no type) after a valid one: the step's state is rolled back too.
    const refused = { type: null as unknown as string, subject, data: {}, at: 1 };
    const valid = { type: "step.started", subject, data: { jobId: j!.id, step: 0, name: "a" }, at: 1 };
    await expect(s.steps.start(j!.id, 2, 0, [valid, refused])).rejects.toThrow();
    expect(await step()).toMatchObject({ status: "queued", startedAt: null });
    expect(await s.events.list({ subjectPrefix: subject })).toEqual([]);
    const announced = await s.steps.start(j!.id, 2, 0, [
      { type: "step.started", subject, data: { jobId: j!.id, step: 0, name: "a" }, at: 1 },
    ]);
    await expect(s.steps.finish(j!.id, 2, 0, "failure", 1, "x", [refused])).rejects.toThrow();
    expect(await step()).toMatchObject({ status: "running", exitCode: null, reason: null, finishedAt: null });
    const ended = await s.steps.finish(j!.id, 2, 0, "success", 0, null, [
      { type: "step.finished", subject, data: { jobId: j!.id, step: 0, status: "success", reason: null }, at: 2 },
    ]);
    expect(announced[0]!.id).toBeLessThan(ended[0]!.id);
    const stored = await s.events.list({ subjectPrefix: subject });
    expect(stored.map((e) => [e.id, e.type])).toEqual([
      [announced[0]!.id, "step.started"],
      [ended[0]!.id, "step.finished"],
    ]);
    expect((await step()).status).toBe("success");
  });

  it("stores logs, events, steps, reports and artifacts", async () => {
    const s = await open();
    const p = await s.projects.create({ name: "c", repoUrl: "/tmp/c" });
    const r = await s.runs.create({
      projectId: p.id,
      event: "manual",
      branch: "main",
      commit: "e".repeat(40),
      plan,
      triggeredBy: "t",
    });
    const [j] = await s.jobs.listForRun(r.id);
    await s.steps.createForAttempt(j!.id, 1, ["a", "b"]);
    await s.steps.start(j!.id, 1, 0);
    await s.steps.setPid(j!.id, 1, 0, 4242);
    expect((await s.steps.listRunning()).map((x) => x.pid)).toEqual([4242]);
    await s.steps.finishRemaining(j!.id, 1, "failure", "server-restart");
    expect((await s.steps.listForJobs([j!.id])).map((x) => x.status)).toEqual(["failure", "failure"]);

    const lines = Array.from({ length: 1200 }, (_, i) => ({
      jobId: j!.id,
      attempt: 1,
      stepIdx: 0,
      seq: i + 1,
      stream: "stdout" as const,
      line: `line ${i + 1}`,
      at: Date.now(),
    }));
    await s.logs.append(lines);
    expect(await s.logs.lastSeq(j!.id, 1)).toBe(1200);
    const page = await s.logs.list(j!.id, 1, 1000, 50);
    expect(page.map((l) => l.line)).toEqual(lines.slice(1000, 1050).map((l) => l.line));

    const e = await s.events.append({ type: "run.created", subject: `run:${r.id}`, data: { n: 1 }, at: 1 });
    await s.events.append({ type: "x", subject: "project:1", data: {}, at: 2 });
    const twelve = await s.events.append({ type: "x", subject: "project:12", data: {}, at: 3 });
    const labelled = await s.events.append({ type: "x", subject: "series:cpu{web}", data: {}, at: 4 });
    expect((await s.events.list({ subjectPrefix: "run:" })).map((x) => x.id)).toEqual([e.id]);
    expect((await s.events.list({ subjectPrefix: "project:1" })).map((x) => x.subject)).toEqual(["project:1"]);
    expect((await s.events.list({ subjectPrefix: "project" })).map((x) => x.id).at(-1)).toBe(twelve.id);
    expect((await s.events.list({ subjectPrefix: "series:cpu" })).map((x) => x.id)).toEqual([labelled.id]);
    expect(await s.events.list({ subjectPrefix: "project:%" })).toEqual([]);

    await s.reports.addTests([
      {
        runId: r.id,
        jobId: j!.id,
        suite: "s",
        classname: "c",
        name: "n",
        status: "failed",
        durationMs: 3.4,
        message: "boom",
        details: "Error: boom\n    at t.test.js:3:7",
        projectId: r.projectId,
        testId: "c.n",
        attempt: 1,
        commitSha: r.commit,
        branch: r.branch,
        createdAt: 1,
      },
    ]);
    expect((await s.reports.tests(r.id, { status: "failed" }))[0]).toMatchObject({
      message: "boom",
      details: "Error: boom\n    at t.test.js:3:7",
    });
    await s.artifacts.add([{ runId: r.id, jobId: j!.id, path: "dist/a.txt", size: 3, sha256: "x", createdAt: 1 }]);
    expect((await s.artifacts.listForRun(r.id)).map((a) => a.path)).toEqual(["dist/a.txt"]);
  });

  it("keeps secrets encrypted and tokens hashed", async () => {
    const s = await open();
    const p = await s.projects.create({ name: "d", repoUrl: "/tmp/d" });
    await s.secrets.set(p.id, "NPM_TOKEN", "s3cr3t-value");
    await s.secrets.set(p.id, "NPM_TOKEN", "s3cr3t-value-2");
    const raw = await s.database.db.selectFrom("secrets").selectAll().execute();
    expect(JSON.stringify(raw)).not.toContain("s3cr3t");
    expect(await s.secrets.reveal(p.id, ["NPM_TOKEN", "MISSING"])).toEqual({ NPM_TOKEN: "s3cr3t-value-2" });

    const { token, info } = await s.tokens.create("ci", "operator");
    expect((await s.tokens.verify(token))?.role).toBe("operator");
    const rows = await s.database.db.selectFrom("api_tokens").selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(token);
    await s.tokens.revoke(info.id);
    expect(await s.tokens.verify(token)).toBeUndefined();
  });
});
