/**
 * Test intelligence over a project's stored history, through the API routes (and their OpenAPI
 * entries) and through `pitcrew tests flaky|prioritize|history --project` on the same store.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/run-cli.js";
import { startTestApp, type TestApp } from "../support/test-app.js";
import { storeRunOutcomes } from "../support/test-history.js";

describe("tests API and CLI on the stored history", () => {
  let t: TestApp;
  let config: string;
  const get = async (url: string) => {
    const r = await t.server.inject({ method: "GET", url, headers: { authorization: `Bearer ${t.adminToken}` } });
    return { status: r.statusCode, body: r.json() };
  };
  /** Runs `pitcrew tests ...` against the test app's store. */
  const cli = (...args: string[]) => runCli(config, "tests", ...args);

  beforeAll(async () => {
    t = await startTestApp();
    config = join(t.dataDir, "pitcrew.yaml");
    writeFileSync(config, `data_dir: ${t.dataDir}\ndatabase:\n  url: sqlite:${join(t.dataDir, "pitcrew.db")}\n`);
    const s = t.app.store;
    const p = await s.projects.create({ name: "app", repoUrl: "/tmp/app" });
    const sha = (n: number) => String(n).repeat(40);
    await storeRunOutcomes(s, p.id, sha(1), [{ "a.T.ok": false, "a.T.shaky": false, "a.T.broken": false }]);
    await storeRunOutcomes(s, p.id, sha(2), [
      { "a.T.ok": false, "a.T.shaky": true, "a.T.broken": false },
      { "a.T.ok": false, "a.T.shaky": false, "a.T.broken": false },
    ]);
    await storeRunOutcomes(s, p.id, sha(3), [{ "a.T.ok": false, "a.T.shaky": false, "a.T.broken": true }]);
  });
  afterAll(async () => {
    await t.dispose();
  });

  it("serves flaky tests, the prioritised order and one test's history, documented in OpenAPI", async () => {
    const flaky = await get("/api/projects/app/tests/flaky");
    expect(flaky.status).toBe(200);
    expect(flaky.body.tests).toEqual([expect.objectContaining({ id: "a.T.shaky", flaky: true, mixedRuns: 1 })]);
    const order = await get("/api/projects/app/tests/prioritize?runs=10");
    expect(order.body.tests.map((r: { id: string }) => r.id)).toEqual(["a.T.broken", "a.T.shaky", "a.T.ok"]);
    expect(order.body.tests[0].reason).toMatch(/failed its last run/);
    const history = await get(`/api/projects/app/tests/history?test=${encodeURIComponent("a.T.shaky")}&limit=2`);
    expect(history.body.history.map((h: { attempt: number; status: string }) => [h.attempt, h.status])).toEqual([
      [1, "passed"],
      [2, "passed"],
    ]);
    expect((await get("/api/projects/nope/tests/flaky")).status).toBe(404);
    expect((await get("/api/projects/app/tests/history")).status).toBe(400);
    expect((await get("/api/projects/app/tests/flaky?runs=0")).status).toBe(400);
    const openapi = (await get("/api/openapi.json")).body;
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining([
        "/api/projects/{project}/tests/flaky",
        "/api/projects/{project}/tests/prioritize",
        "/api/projects/{project}/tests/history",
      ]),
    );
  });

  it("answers the same through pitcrew tests … --project from the configured store", async () => {
    const flaky = await cli("flaky", "--project", "app", "--json");
    expect(flaky.exitCode).toBeUndefined();
    expect(JSON.parse(flaky.out).tests.map((x: { id: string }) => x.id)).toEqual(["a.T.shaky"]);
    const order = await cli("prioritize", "--project", "app", "--json");
    expect(JSON.parse(order.out).order).toEqual(["a.T.broken", "a.T.shaky", "a.T.ok"]);
    const history = await cli("history", "--project", "app", "--test", "a.T.broken", "--json");
    expect(JSON.parse(history.out).history.map((h: { status: string }) => h.status)).toEqual([
      "failed",
      "passed",
      "passed",
      "passed",
    ]);
    const both = await cli("flaky", "--project", "app", "--history", "/tmp");
    expect(both.exitCode).toBe(2);
    expect(both.err).toMatch(/give either --history DIR or --project NAME/);
  });
});
