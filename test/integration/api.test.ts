import { createHmac } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commitFiles, createRepo, gitIn } from "../support/git-repo.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

const PIPELINE = `
name: api-test
on: { manual: {}, push: {} }
gates: { tests_pass_rate: 1.0 }
jobs:
  build:
    matrix: { n: [1, 2] }
    steps:
      - run: echo "building \${{ matrix.n }}" && mkdir -p out && echo "n=\${{ matrix.n }}" > out/result-\${{ matrix.n }}.txt
      - run: echo "token is $DEPLOY_TOKEN"
    secrets: [DEPLOY_TOKEN]
    artifacts: ["out/**"]
  report:
    needs: build
    steps:
      - run: |
          mkdir -p r && cat > r/junit.xml <<'XML'
          <testsuite name="s"><testcase classname="c" name="ok" time="0.1"/></testsuite>
          XML
    reports: { junit: "r/*.xml" }
`;

describe("HTTP API", () => {
  let t: TestApp;
  let viewer: string;
  const call = (method: string, url: string, token?: string, payload?: unknown) =>
    t.server.inject({
      method: method as "GET",
      url,
      headers: token ? { authorization: `Bearer ${token}` } : {},
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });

  beforeAll(async () => {
    t = await startTestApp();
    viewer = (await t.app.store.tokens.create("viewer", "viewer")).token;
  });
  afterAll(async () => t?.dispose());

  it("serves health, metrics and an OpenAPI document without a token", async () => {
    expect((await call("GET", "/healthz")).json()).toMatchObject({ ok: true, store: "sqlite" });
    expect((await call("GET", "/metrics")).body).toContain("pitcrew_runs_finished_total");
    const doc = (await call("GET", "/api/openapi.json")).json();
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/api/runs", "/api/runs/{id}", "/api/projects/{project}/runs"]),
    );
  });

  it("rejects unauthenticated and wrong-role calls with JSON errors", async () => {
    const anon = await call("GET", "/api/runs");
    expect(anon.statusCode).toBe(401);
    expect(anon.json().error.code).toBe("unauthorized");
    expect((await call("GET", "/api/runs", "pcr_wrong")).statusCode).toBe(401);
    const forbidden = await call("POST", "/api/projects", viewer, { name: "x", repoUrl: "/tmp" });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().error.message).toMatch(/admin/);
    expect((await t.app.store.projects.list()).length).toBe(0);
  });

  it("rejects malformed bodies and hostile values with 400 and writes nothing", async () => {
    const bad = await t.server.inject({
      method: "POST",
      url: "/api/projects",
      headers: { authorization: `Bearer ${t.adminToken}`, "content-type": "application/json" },
      payload: "{not json",
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toBeDefined();
    const dash = await call("POST", "/api/projects", t.adminToken, {
      name: "x",
      repoUrl: "--upload-pack=touch /tmp/x",
    });
    expect(dash.statusCode).toBe(400);
    const unknown = await call("POST", "/api/projects", t.adminToken, { name: "x", repoUrl: "/tmp", colour: "red" });
    expect(unknown.statusCode).toBe(400);
    expect((await t.app.store.projects.list()).length).toBe(0);
  });

  it("runs a triggered pipeline: jobs, masked secrets, artifacts, reports, gates, logs", async () => {
    const repo = createRepo({ ".pitcrew/pipeline.yaml": PIPELINE });
    const created = await call("POST", "/api/projects", t.adminToken, { name: "demo", repoUrl: repo });
    expect(created.statusCode).toBe(201);
    expect(
      (await call("PUT", "/api/projects/demo/secrets/DEPLOY_TOKEN", t.adminToken, { value: "hunter2-secret" }))
        .statusCode,
    ).toBe(204);
    expect((await call("POST", "/api/projects/demo/runs", viewer, {})).statusCode).toBe(403);
    const trig = await call("POST", "/api/projects/demo/runs", t.adminToken, {});
    expect(trig.statusCode).toBe(201);
    const runId = trig.json().id as number;
    expect(await t.waitForRun(runId)).toBe("success");

    const run = (await call("GET", `/api/runs/${runId}`, viewer)).json();
    expect(run.jobs.map((j: { key: string; status: string }) => [j.key, j.status])).toEqual([
      ["build (n: 1)", "success"],
      ["build (n: 2)", "success"],
      ["report", "success"],
    ]);
    expect(run.gates).toEqual([expect.objectContaining({ gate: "tests_pass_rate", passed: true })]);

    const logs = (await call("GET", `/api/runs/${runId}/logs`, viewer)).json();
    const text = logs.jobs.flatMap((j: { lines: { line: string }[] }) => j.lines.map((l) => l.line)).join("\n");
    expect(text).toContain("building 1");
    expect(text).toContain("token is ***");
    expect(text).not.toContain("hunter2-secret");

    const arts = (await call("GET", `/api/runs/${runId}/artifacts`, viewer)).json().artifacts;
    expect(arts.map((a: { path: string }) => a.path).sort()).toEqual(["out/result-1.txt", "out/result-2.txt"]);
    const dl = await call("GET", `/api/runs/${runId}/artifacts/out/result-2.txt`, viewer);
    expect(dl.statusCode).toBe(200);
    expect(dl.body.trim()).toBe("n=2");
    for (const hostile of ["../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "out/../../../../etc/x"]) {
      const r = await call("GET", `/api/runs/${runId}/artifacts/${hostile}`, viewer);
      expect(r.statusCode, hostile).toBeGreaterThanOrEqual(400);
      expect(r.statusCode, hostile).toBeLessThan(500);
    }
    const tests = (await call("GET", `/api/runs/${runId}/tests`, viewer)).json();
    expect(tests.summary).toMatchObject({ total: 1, passed: 1 });
    // Every stored test case is also in the project's test history, under its stable id.
    const project = await t.app.store.projects.resolve("demo");
    const history = await t.app.store.reports.testHistory(project.id, "c.ok");
    expect(history.map((h) => [h.runId, h.attempt, h.status])).toEqual([[runId, 1, "passed"]]);

    const events = (await call("GET", `/api/events?subject=run:${runId}`, viewer)).json().events;
    expect(events.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(["run.created", "job.started", "run.finished"]),
    );
  });

  it("cancels a running run and kills its processes", async () => {
    const repo = createRepo({
      ".pitcrew/pipeline.yaml":
        "jobs:\n  slow:\n    steps:\n      - run: echo started; sleep 30 & echo $! > /tmp/pitcrew-cancel-$PITCREW_PROJECT-$PITCREW_RUN_ID; wait\n",
    });
    const name = `slow${process.pid}${Date.now()}`;
    // Unsandboxed (an admin's choice): this test is about cancel killing the step's processes, and it
    // checks them by host pid through a marker in /tmp; a sandboxed step has a private /tmp and pid namespace.
    await call("POST", "/api/projects", t.adminToken, { name, repoUrl: repo, sandbox: false });
    const runId = (await call("POST", `/api/projects/${name}/runs`, t.adminToken, {})).json().id as number;
    const marker = `/tmp/pitcrew-cancel-${name}-${runId}`;
    for (let i = 0; i < 200 && !existsSync(marker); i++) await new Promise((r) => setTimeout(r, 50));
    const res = await call("POST", `/api/runs/${runId}/cancel`, t.adminToken);
    expect(res.statusCode).toBe(200);
    expect(await t.waitForRun(runId)).toBe("cancelled");
    const jobs = await t.app.store.jobs.listForRun(runId);
    for (let i = 0; i < 100 && jobs[0] && (await t.app.store.jobs.get(jobs[0].id)).status === "running"; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((await t.app.store.jobs.get(jobs[0]!.id)).status).toBe("cancelled");
    expect((await call("POST", `/api/runs/${runId}/cancel`, t.adminToken)).statusCode).toBe(409);
    const sleeper = Number(readFileSync(marker, "utf8"));
    let alive = true;
    for (let i = 0; i < 100 && alive; i++) {
      try {
        process.kill(sleeper, 0);
        await new Promise((r) => setTimeout(r, 50));
      } catch {
        alive = false;
      }
    }
    expect(alive).toBe(false);
  });

  it("builds a hostile branch name from a signed webhook without it reaching a shell", async () => {
    const pwned = `/tmp/pitcrew-pwned-${process.pid}-${Date.now()}`;
    // Git refuses spaces in branch names, so the real branch uses ${IFS}; the spaced form is sent too.
    const branch = `$(touch\${IFS}${pwned})`;
    const repo = createRepo({
      ".pitcrew/pipeline.yaml": 'jobs:\n  show:\n    steps:\n      - run: echo "branch=$PITCREW_BRANCH"\n',
    });
    gitIn(repo, "checkout", "--quiet", "-b", branch);
    const sha = commitFiles(repo, { "x.txt": "x" }, "on a hostile branch");
    const secret = "a-webhook-secret-of-some-length";
    await call("POST", "/api/projects", t.adminToken, { name: "hooked", repoUrl: repo, webhookSecret: secret });
    const body = JSON.stringify({ ref: `refs/heads/${branch}`, before: "0".repeat(40), after: sha });
    const sign = (b: string) => `sha256=${createHmac("sha256", secret).update(b).digest("hex")}`;
    const post = (b: string, sig?: string) =>
      t.server.inject({
        method: "POST",
        url: "/api/hooks/hooked",
        headers: {
          "content-type": "application/json",
          "x-github-event": "push",
          ...(sig ? { "x-hub-signature-256": sig } : {}),
        },
        payload: b,
      });
    expect((await post(body)).statusCode).toBe(401);
    expect((await post(body, sign(`${body} `))).statusCode).toBe(401);
    expect((await post("{", sign("{"))).statusCode).toBe(400);
    const ok = await post(body, sign(body));
    expect(ok.statusCode).toBe(201);
    const runId = ok.json().runId as number;
    expect(await t.waitForRun(runId)).toBe("success");
    const logs = (await call("GET", `/api/runs/${runId}/logs`, viewer)).json();
    expect(JSON.stringify(logs)).toContain(`branch=${branch}`);
    const spaced = JSON.stringify({ ref: `refs/heads/$(touch ${pwned})`, after: sha });
    const refused = await post(spaced, sign(spaced));
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.message).toMatch(/invalid branch name/);
    expect(existsSync(pwned)).toBe(false);
  });
});
