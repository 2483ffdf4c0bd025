/**
 * Learned models through `pitcrew models …` and the API on one store: train through the gate,
 * show, force a promotion, see the live version order `tests prioritize --project` with its
 * reasons, roll back; bad input is a clear error (exit code 2, 4xx).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runsSinceUpdate, startOnlineModelUpdates } from "../../src/app/online-model-updates.js";
import { FLAKINESS_UPDATE_RUNS } from "../../src/testintel/index.js";
import { runCli } from "../support/run-cli.js";
import { startTestApp, type TestApp } from "../support/test-app.js";
import { storeRunOutcomes } from "../support/test-history.js";

const HOUR = 3600_000;

describe("models CLI and API", () => {
  let t: TestApp;
  let config: string;
  const call = async (method: "GET" | "POST", url: string, payload?: object) => {
    const r = await t.server.inject({ method, url, payload, headers: { authorization: `Bearer ${t.adminToken}` } });
    return { status: r.statusCode, body: r.json() };
  };

  beforeAll(async () => {
    t = await startTestApp();
    config = join(t.dataDir, "pitcrew.yaml");
    writeFileSync(config, `data_dir: ${t.dataDir}\ndatabase:\n  url: sqlite:${join(t.dataDir, "pitcrew.db")}\n`);
    const s = t.app.store;
    const p = await s.projects.create({ name: "app", repoUrl: "/tmp/app" });
    const start = Date.now() - 61 * HOUR;
    for (let i = 0; i < 60; i++) {
      const o: Record<string, boolean> = {};
      for (let k = 0; k < 10; k++) o[`a.T.s${k}`] = i >= 6 * k && i < 6 * k + 3;
      await storeRunOutcomes(s, p.id, `${i}`.padStart(40, "0"), [o], start + i * HOUR);
    }
  });
  afterAll(async () => {
    await t.dispose();
  });

  it("trains through the gate, promotes, serves the live version's order with reasons and rolls back", async () => {
    const trained = await runCli(
      config,
      "models",
      "train",
      "test-failure",
      "--project",
      "app",
      "--horizon",
      "21h",
      "--window",
      "100h",
      "--json",
    );
    expect(trained.exitCode).toBeUndefined();
    const v1 = JSON.parse(trained.out);
    expect(v1).toMatchObject({ model: "test-failure", version: 1, scope: expect.stringMatching(/^project:\d+$/) });
    expect(["live", "refused"]).toContain(v1.status);
    expect(v1.reason).toMatch(/^(promoted|refused): .*apfd/);
    expect(v1.counts.evaluationUnits).toBeGreaterThanOrEqual(5);

    const v2 = await call("POST", "/api/projects/app/models/test-failure/train", {
      promote: false,
      horizon: "21h",
      window: "100h",
    });
    expect(v2.status).toBe(200);
    expect(v2.body).toMatchObject({ version: 2, status: "candidate" });
    expect(v2.body.state).toBeUndefined();
    const forced = await call("POST", "/api/projects/app/models/test-failure/versions/2/promote", { force: true });
    expect(forced.body).toMatchObject({ status: "live" });

    const order = await runCli(config, "tests", "prioritize", "--project", "app");
    expect(order.out).toMatch(/test-failure v2: p\(fail\)/);
    const shown = await runCli(config, "models", "show", "test-failure", "2", "--project", "app");
    expect(shown.out).toMatch(/test-failure v2 \(project:\d+\): live/);
    expect(shown.out).toMatch(/guard: +ok latency/);
    const list = await call("GET", "/api/projects/app/models");
    expect(list.body.models.map((m: { name: string }) => m.name)).toEqual([
      "test-failure",
      "test-flakiness",
      "job-duration",
      "test-cofailure",
    ]);
    expect(list.body.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);

    const back = await runCli(config, "models", "rollback", "test-failure", "--project", "app", "--json");
    expect(JSON.parse(back.out).live?.version ?? null).toBe(v1.status === "live" ? 1 : null);
    const types = (await t.app.store.events.list({ subjectPrefix: "model:" })).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(["model.trained", "model.promoted", "model.rolled_back"]));
  });

  it("trains, shows and promotes test-cofailure from the CLI, text and --json", async () => {
    const s = t.app.store;
    const p = await s.projects.create({ name: "co", repoUrl: "/tmp/co" });
    const start = Date.now() - 61 * HOUR;
    // pkg.Core fails on every commit that changes src/core.ts (one in four)
    for (let i = 0; i < 60; i++) {
      const core = i % 4 === 0;
      const files = core ? ["src/core.ts", `src/f${i}.ts`] : [`src/f${i}.ts`];
      const o = { "pkg.Core.t": core, "pkg.Other.t": false };
      await storeRunOutcomes(s, p.id, `c${i}`.padStart(40, "0"), [o], start + i * HOUR, files);
    }
    const args = ["--project", "co", "--horizon", "21h", "--window", "100h"];
    const text = await runCli(config, "models", "train", "test-cofailure", ...args, "--no-promote");
    expect(text.exitCode).toBeUndefined();
    expect(text.out).toMatch(/^test-cofailure v1 \(project:\d+\): candidate/);
    expect(text.out).toMatch(/score/);
    const json = JSON.parse((await runCli(config, "models", "train", "test-cofailure", ...args, "--json")).out);
    expect(json).toMatchObject({ model: "test-cofailure", version: 2 });
    expect(json.counts.evaluationUnits).toBe(19); // runs at 20 … 2 hours ago
    expect(json.reason).toMatch(/^(promoted|refused): .*score/);
    const promoted = await runCli(
      config,
      "models",
      "promote",
      "test-cofailure",
      "1",
      "--project",
      "co",
      "--force",
      "--json",
    );
    expect(JSON.parse(promoted.out)).toMatchObject({ version: 1, status: "live" });
    const shown = await runCli(config, "models", "show", "test-cofailure", "1", "--project", "co");
    expect(shown.out).toMatch(/test-cofailure v1 \(project:\d+\): live/);
    const list = await call("GET", "/api/projects/co/models");
    expect(list.body.models.find((m: { name: string }) => m.name === "test-cofailure")).toBeDefined();
  });

  it("updates test flakiness online as runs finish; tests flaky serves the live version with its reasons", async () => {
    const s = t.app.store;
    const p = await s.projects.create({ name: "fl", repoUrl: "/tmp/fl" });
    const start = Date.now() - 31 * HOUR;
    // f.T.flaky fails every third run and passes on the retry; r.T.reg breaks for good at run 20
    const runs: number[] = [];
    for (let i = 0; i < 30; i++) {
      const first = { "f.T.flaky": i % 3 === 0, "r.T.reg": i >= 20, "c.T.ok": false };
      const retry = { ...(i % 3 === 0 ? { "f.T.flaky": false } : {}), ...(i >= 20 ? { "r.T.reg": true } : {}) };
      runs.push((await storeRunOutcomes(s, p.id, `f${i}`.padStart(40, "0"), [first, retry], start + i * HOUR)).id);
    }
    // the finished runs are counted in the store (a restart loses none): one event after the
    // tenth finished run is enough
    for (const runId of runs.slice(0, FLAKINESS_UPDATE_RUNS - 1)) await s.runs.transition(runId, ["queued"], "success");
    expect(await runsSinceUpdate(t.app, "test-flakiness", p.id)).toBe(FLAKINESS_UPDATE_RUNS - 1);
    const runId = runs[FLAKINESS_UPDATE_RUNS - 1]!;
    await s.runs.transition(runId, ["queued"], "success");
    expect(await runsSinceUpdate(t.app, "test-flakiness", p.id)).toBe(FLAKINESS_UPDATE_RUNS);
    const stop = startOnlineModelUpdates(t.app);
    try {
      await t.app.events.emit(
        "run.finished",
        { kind: "run", id: runId },
        { runId, projectId: p.id, status: "success" },
      );
      const deadline = Date.now() + 30_000;
      while ((await s.events.list({ type: "model.updated" })).length === 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
    } finally {
      stop();
    }
    const v1 = await s.modelVersions.live("test-flakiness", `project:${p.id}`);
    expect(v1).toMatchObject({ version: 1, counts: { update: 21, heldOut: 9 } });
    expect(Object.keys(v1!.profile)).toEqual(["failed_share", "mixed_share"]); // drift has a reference from the start
    expect(v1!.reason).toMatch(/^online update kept: not worse on recent held-out data: accuracy 1\.0000 vs 0\.\d+/);

    const flaky = JSON.parse((await runCli(config, "tests", "flaky", "--project", "fl", "--json")).out);
    expect(flaky.model).toMatchObject({ name: "test-flakiness", version: 1 });
    expect(flaky.tests).toHaveLength(1);
    expect(flaky.tests[0]).toMatchObject({ id: "f.T.flaky", flaky: true, mixedRuns: 7, runs: 21 });
    expect(flaky.tests[0].reason).toMatch(/^test-flakiness v1: flaky: score 0\.93 from 7 fail-and-pass runs/);
    const api = await call("GET", "/api/projects/fl/tests/flaky");
    expect(api.body).toEqual(flaky);

    const updated = await runCli(config, "models", "update", "test-flakiness", "--project", "fl");
    expect(updated.out).toMatch(/^test-flakiness v2 \(project:\d+\): live: online update kept/);
    const viaApi = await call("POST", "/api/projects/fl/models/test-flakiness/update", {});
    expect(viaApi.body).toMatchObject({ version: 3, status: "live", parentVersion: 2 });
    expect(viaApi.body.state).toBeUndefined();
    expect((await call("POST", "/api/projects/fl/models/test-failure-x/update", {})).status).toBe(400);
  });

  it("rejects bad input clearly", async () => {
    const unknown = await runCli(config, "models", "train", "nope", "--project", "app");
    expect(unknown.exitCode).toBe(2);
    expect(unknown.err).toMatch(
      /unknown model 'nope' \(known: test-failure, test-flakiness, anomaly-calibration, log-templates, job-duration, test-cofailure\)/,
    );
    const badVersion = await runCli(config, "models", "promote", "test-failure", "x", "--project", "app");
    expect(badVersion.err).toMatch(/VERSION must be a positive whole number/);
    const badHorizon = await runCli(config, "models", "train", "test-failure", "--project", "app", "--horizon", "7d");
    expect(badHorizon.err).toMatch(/--horizon: not a duration/);
    expect((await call("GET", "/api/projects/app/models/test-failure/versions/99")).status).toBe(404);
    expect(
      (await call("POST", "/api/projects/app/models/test-failure/versions/1/promote", { force: "yes" })).status,
    ).toBe(400);
    expect((await call("POST", "/api/projects/nope/models/test-failure/train", {})).status).toBe(404);
  });
});
