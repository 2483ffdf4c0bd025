/**
 * What changed when a job started failing, through the server and `pitcrew runs why`, on real
 * pipelines run by the engine: a project's job passes three times, then a commit bumps left-pad
 * in package-lock.json and the job fails twice. GET /api/runs/:id/correlation names the first
 * failing run, the last success, the files and the dependency version that changed between them.
 * A second project failing the same way is grouped with the first (same signature), and once the
 * first project fixes it, the group names the run that fixed it.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFailureExplanations } from "../../src/failures/index.js";
import { triggerRun } from "../../src/runner/index.js";
import { commitFiles, createRepo } from "../support/git-repo.js";
import { runCli } from "../support/run-cli.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

const lock = (leftPad: string) =>
  JSON.stringify({
    lockfileVersion: 3,
    packages: { "": { name: "app" }, "node_modules/left-pad": { version: leftPad } },
  });
/** Fails as a broken dependency does: a TypeError with a stack, on left-pad 1.3.0. */
const CHECK = `const v = JSON.parse(require("fs").readFileSync("package-lock.json", "utf8")).packages["node_modules/left-pad"].version;
if (v === "1.3.0") { console.error("TypeError: leftPad is not a function"); console.error("    at pad (" + process.cwd() + "/src/pad.js:3:10)"); process.exit(1); }
console.log("padded ok with left-pad " + v);
`;
const files = (leftPad: string) => ({
  ".pitcrew/pipeline.yaml": "on:\n  manual: {}\njobs:\n  test:\n    steps:\n      - run: node check.js\n",
  "check.js": CHECK,
  "package-lock.json": lock(leftPad),
  "src/pad.js": "module.exports = (s) => s;\n",
});

interface Correlation {
  jobs: {
    key: string;
    signature: { key: string; category: string; template: string };
    compared: { runs: number; failed: number };
    firstFailure: {
      runId: number;
      streak: number;
      previousSuccess: { runId: number } | null;
      changedFiles: string[] | null;
      dependencyChanges: { file: string; name: string; from: string | null; to: string | null }[];
    } | null;
    sameSignature: {
      occurrences: number;
      first: { project: string; runId: number };
      fixedBy: { runId: number } | null;
    } | null;
  }[];
}

describe("failure correlation through the server", () => {
  let t: TestApp;
  let stop: () => void;
  beforeAll(async () => {
    t = await startTestApp({ concurrency: 2 });
    stop = startFailureExplanations(t.app);
  });
  afterAll(async () => {
    stop?.();
    await t?.dispose();
  });

  const get = (url: string) =>
    t.server.inject({ method: "GET", url, headers: { authorization: `Bearer ${t.adminToken}` } });

  /** Runs the project's pipeline once; a failed run is returned once its job is explained. */
  async function runOnce(projectId: number): Promise<{ id: number; status: string }> {
    const id = (await triggerRun(t.app.runner, projectId, { event: "manual", triggeredBy: "test" })).run!.id;
    const status = await t.waitForRun(id, 60_000);
    for (let end = Date.now() + 30_000; status === "failure"; ) {
      if ((await get(`/api/runs/${id}/explanation`)).json().jobs.length > 0) break;
      if (Date.now() > end) throw new Error(`run ${id} not explained`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return { id, status };
  }

  it("names the first failing run, the dependency bump, the same failure elsewhere and what fixed it", async () => {
    const repoA = createRepo(files("1.2.0"));
    const a = await t.app.store.projects.create({ name: "shop", repoUrl: repoA, sandbox: false });
    for (let i = 0; i < 3; i++) expect((await runOnce(a.id)).status).toBe("success");
    const lastGreen = (await t.app.store.runs.list({ projectId: a.id })).at(0)!.id;
    commitFiles(
      repoA,
      { "package-lock.json": lock("1.3.0"), "src/pad.js": "module.exports = require('left-pad');\n" },
      "bump left-pad",
    );
    const first = await runOnce(a.id);
    commitFiles(repoA, { "README.md": "docs\n" }, "docs");
    const second = await runOnce(a.id);
    expect([first.status, second.status]).toEqual(["failure", "failure"]);

    const res = await get(`/api/runs/${second.id}/correlation`);
    expect(res.statusCode).toBe(200);
    const [job] = (res.json() as Correlation).jobs;
    expect(job!.key).toBe("test");
    expect(job!.compared).toEqual({ runs: 5, failed: 2 });
    expect(job!.signature.template).toContain("TypeError: leftPad is not a function");
    expect(job!.firstFailure).toMatchObject({ runId: first.id, streak: 2, previousSuccess: { runId: lastGreen } });
    expect(job!.firstFailure!.changedFiles!.sort()).toEqual(["package-lock.json", "src/pad.js"]);
    expect(job!.firstFailure!.dependencyChanges).toEqual([
      { file: "package-lock.json", name: "left-pad", from: "1.2.0", to: "1.3.0" },
    ]);
    expect(job!.sameSignature).toMatchObject({
      occurrences: 2,
      first: { project: "shop", runId: first.id },
      fixedBy: null,
    });

    // another project fails the same way: grouped with the first occurrence; then shop fixes it
    const b = await t.app.store.projects.create({
      name: "billing",
      repoUrl: createRepo(files("1.3.0")),
      sandbox: false,
    });
    const other = await runOnce(b.id);
    commitFiles(repoA, { "package-lock.json": lock("1.2.0") }, "pin left-pad back");
    const fix = await runOnce(a.id);
    expect(fix.status).toBe("success");
    const [otherJob] = ((await get(`/api/runs/${other.id}/correlation`)).json() as Correlation).jobs;
    expect(otherJob!.signature.key).toBe(job!.signature.key);
    expect(otherJob!.sameSignature).toMatchObject({
      occurrences: 3,
      first: { project: "shop", runId: first.id },
      fixedBy: { runId: fix.id },
    });
    expect(otherJob!.firstFailure).toMatchObject({ runId: other.id, streak: 1, previousSuccess: null });

    // the CLI prints it under the explanation; --json carries it as `correlation`
    const config = join(t.dataDir, "pitcrew.yaml");
    writeFileSync(config, `data_dir: ${t.dataDir}\ndatabase:\n  url: sqlite:${join(t.dataDir, "pitcrew.db")}\n`);
    const text = await runCli(config, "runs", "why", String(second.id));
    expect(text.out).toContain(`fails since run ${first.id}`);
    expect(text.out).toContain("package-lock.json: left-pad 1.2.0 → 1.3.0");
    expect(text.out).toContain(`fixed by run ${fix.id}`);
    const json = JSON.parse((await runCli(config, "runs", "why", String(second.id), "--json")).out);
    expect(json.correlation.jobs[0].firstFailure.runId).toBe(first.id);
    expect((await get("/api/runs/999999/correlation")).statusCode).toBe(404);
    expect((await get(`/api/runs/${second.id}/correlation?job=nope`)).statusCode).toBe(404);
  }, 120_000);
});
