/**
 * The stored test selections of `tests:` steps and the slowest tests, on SQLite and PostgreSQL:
 * a selection recorded from an advice (time saved from the history's file durations, the skipped
 * list capped and counted), served paginated and one by one through the API (in the OpenAPI
 * document, 4xx on bad input, viewer role like its neighbours); "slowest" reads trusted runs only.
 */
import { afterEach, describe, expect, it } from "vitest";
import { recordTestSelection } from "../../src/runner/index.js";
import { MAX_LISTED_SKIPPED, type NewTestResult } from "../../src/store/index.js";
import { MAX_TEST_DURATION_MS } from "../../src/reports/index.js";
import { expectedFileMs } from "../../src/testintel/index.js";
import { type TestDatabase, testDialects } from "../support/databases.js";
import { startTestApp, type TestApp } from "../support/test-app.js";
import { storeRunOutcomes } from "../support/test-history.js";

describe.each(await testDialects())("test selections and slowest tests on %s", (dialect, make) => {
  let tdb: TestDatabase | undefined;
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.dispose();
    await tdb?.dispose();
    t = undefined;
    tdb = undefined;
  });

  const get = async (url: string, token = t!.adminToken) => {
    const r = await t!.server.inject({ method: "GET", url, headers: { authorization: `Bearer ${token}` } });
    return { status: r.statusCode, body: r.json() };
  };

  it("records a step's selection with the time saved, pages it newest first and lists each skipped file's reason", async () => {
    if (dialect === "postgres") tdb = await make();
    t = await startTestApp({ databaseUrl: tdb?.database.description });
    const s = t.app.store;
    const p = await s.projects.create({ name: "lib", repoUrl: "/tmp/lib" });
    const other = await s.projects.create({ name: "other", repoUrl: "/tmp/other" });
    // history: a.test.js took 300 + 100 ms in one attempt and 500 ms in another; b.test.js 20 ms
    const past = await storeRunOutcomes(s, p.id, "1".repeat(40), [{}]);
    const [pastJob] = await s.jobs.listForRun(past.id);
    const row = (file: string, name: string, durationMs: number, attempt: number): NewTestResult => ({
      runId: past.id,
      jobId: pastJob!.id,
      suite: "s",
      classname: file,
      name,
      file,
      status: "passed",
      durationMs,
      projectId: p.id,
      testId: `${file}.${name}`,
      attempt,
      commitSha: "1".repeat(40),
      branch: "main",
      createdAt: Date.now(),
    });
    await s.reports.addTests([
      row("a.test.js", "slow", 300, 1),
      row("a.test.js", "quick", 100, 1),
      row("a.test.js", "slow", 500, 2),
      row("b.test.js", "tiny", 20, 1),
    ]);
    const expectedMs = expectedFileMs(await s.reports.projectHistory(p.id, { runs: 10 }));
    expect(Object.fromEntries(expectedMs)).toEqual({ "a.test.js": 450, "b.test.js": 20 });

    const run = await storeRunOutcomes(s, p.id, "2".repeat(40), [{}]);
    const [job] = await s.jobs.listForRun(run.id);
    const where = { projectId: p.id, runId: run.id, jobId: job!.id, attempt: 1 };
    const many = Array.from({ length: MAX_LISTED_SKIPPED + 5 }, (_, i) => `gen/t${i}.test.js`);
    const advice = {
      run: ["b.test.js"],
      skipped: [
        { file: "a.test.js", detail: "none of its 2 known dependencies changed" },
        ...many.map((file) => ({ file, detail: "x".repeat(5000) })),
      ],
      summary: "select: select (change-based selection)",
      flaky: new Map(),
      expectedMs,
    };
    const testFiles = ["a.test.js", "b.test.js", ...many, "b.test.js"];
    await recordTestSelection(s, { ...where, step: 0 }, { mode: "select", testFiles }, advice, 1000);
    // the same step asked again (a retried question) replaces its row
    await recordTestSelection(s, { ...where, step: 0 }, { mode: "select", testFiles }, advice, 2000);
    const all = { ...advice, run: ["a.test.js", "b.test.js"], skipped: [], summary: "select: all (path order)" };
    await recordTestSelection(
      s,
      { ...where, step: 1 },
      { mode: "all", testFiles: ["a.test.js", "b.test.js"] },
      all,
      3000,
    );
    const fellBack = { ...all, summary: "select: select fell back to the test history alone (slow)" };
    await recordTestSelection(
      s,
      { ...where, step: 2 },
      { mode: "select", testFiles: ["a.test.js", "b.test.js"] },
      fellBack,
      4000,
      "slow",
    );
    await recordTestSelection(s, { ...where, projectId: other.id, step: 3 }, { mode: "all", testFiles: [] }, all, 5000);

    const first = await get("/api/projects/lib/tests/selections?limit=2");
    expect(first.status).toBe(200);
    expect(first.body.selections.map((x: { step: number }) => x.step)).toEqual([2, 1]);
    expect(first.body.selections[0]).toMatchObject({ mode: "select", fallback: "slow", filesTotal: 2, filesRun: 2 });
    expect(first.body.selections[0].skipped).toBeUndefined();
    const second = await get(`/api/projects/lib/tests/selections?limit=2&cursor=${first.body.next}`);
    expect(second.body.next).toBeNull();
    const [sel] = second.body.selections;
    expect(sel).toMatchObject({
      runId: run.id,
      jobId: job!.id,
      attempt: 1,
      step: 0,
      mode: "select",
      filesTotal: MAX_LISTED_SKIPPED + 7,
      filesRun: 1,
      runMs: 20,
      savedMs: 450,
      unmeasuredSkipped: MAX_LISTED_SKIPPED + 5,
      skippedCount: MAX_LISTED_SKIPPED + 6,
      fallback: null,
      createdAt: new Date(2000).toISOString(),
    });
    const one = await get(`/api/projects/lib/tests/selections/${sel.id}`);
    expect(one.status).toBe(200);
    expect(one.body.skipped).toHaveLength(MAX_LISTED_SKIPPED);
    expect(one.body.skipped[0]).toEqual({ file: "a.test.js", detail: "none of its 2 known dependencies changed" });
    expect(one.body.skipped[1].detail.length).toBeLessThanOrEqual(1000);
    expect((await get(`/api/projects/lib/tests/selections?run=${run.id}&limit=500`)).body.selections).toHaveLength(3);
    expect((await get(`/api/projects/lib/tests/selections?run=${past.id}`)).body.selections).toEqual([]);

    // another project's selection is not found under this one; bad input is a 400; viewers read
    const theirs = (await get("/api/projects/other/tests/selections")).body.selections[0].id;
    expect((await get(`/api/projects/lib/tests/selections/${theirs}`)).status).toBe(404);
    expect((await get("/api/projects/nope/tests/selections")).status).toBe(404);
    expect((await get("/api/projects/lib/tests/selections?limit=0")).status).toBe(400);
    expect((await get("/api/projects/lib/tests/selections?cursor=-3")).status).toBe(400);
    expect((await get("/api/projects/lib/tests/selections/abc")).status).toBe(400);
    expect((await get("/api/projects/lib/tests/slowest?limit=501")).status).toBe(400);
    expect((await t.server.inject({ method: "GET", url: "/api/projects/lib/tests/selections" })).statusCode).toBe(401);
    const { token: viewer } = await s.tokens.create("viewer", "viewer");
    expect((await get("/api/projects/lib/tests/selections", viewer)).status).toBe(200);

    // a pull request's report claims a day for one test (the parser's clamp): "slowest" reads trusted runs only
    const pr = await storeRunOutcomes(s, p.id, "3".repeat(40), [{}], undefined, undefined, "pull_request");
    const [prJob] = await s.jobs.listForRun(pr.id);
    const claimed = { ...row("a.test.js", "claimed", MAX_TEST_DURATION_MS, 1), runId: pr.id, jobId: prJob!.id };
    await s.reports.addTests([claimed]);
    const slowest = await get("/api/projects/lib/tests/slowest?limit=2");
    expect(slowest.status).toBe(200);
    expect(slowest.body.tests.map((x: { id: string }) => x.id)).toEqual(["a.test.js.slow", "a.test.js.quick"]);
    expect(slowest.body.tests[0]).toMatchObject({ runs: 1, failures: 0 });

    const openapi = (await get("/api/openapi.json")).body;
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining([
        "/api/projects/{project}/tests/selections",
        "/api/projects/{project}/tests/selections/{id}",
        "/api/projects/{project}/tests/slowest",
      ]),
    );
  });
});
