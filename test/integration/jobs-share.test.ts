/**
 * Jobs that share: a job receives the artifacts of the jobs it `needs`, through the real engine
 * (checkout, steps as processes). A hostile producer cannot make the receiving job write outside
 * its workspace, and the total a job receives is bounded.
 */
import { mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { triggerRun } from "../../src/runner/index.js";
import { receiveNeededArtifacts } from "../../src/runner/needed-artifacts.js";
import { commitFiles, createRepo } from "../support/git-repo.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t.dispose());

let n = 0;
async function runPipeline(repo: string) {
  const project = await t.app.store.projects.create({ name: `share${++n}`, repoUrl: repo });
  const res = await triggerRun(t.app.runner, project.id, { event: "manual", triggeredBy: "test" });
  const runId = res.run!.id;
  const status = await t.waitForRun(runId);
  const jobs = await t.app.store.jobs.listForRun(runId);
  const log = async (key: string) => {
    const job = jobs.find((j) => j.key === key)!;
    return (await t.app.store.logs.list(job.id, job.attempt)).map((l) => l.line).join("\n");
  };
  return { runId, status, jobs, log };
}

describe("jobs that share artifacts", () => {
  it("a job gets the artifacts of the jobs it needs (and only those) before its first step", async () => {
    const repo = createRepo({
      ".pitcrew/pipeline.yaml": `jobs:
  build:
    steps:
      - run: mkdir -p dist/sub && echo built-by-build > dist/app.txt && echo deep > dist/sub/x.txt
    artifacts: [dist/**]
  docs:
    steps:
      - run: mkdir -p site && echo docs > site/index.html
    artifacts: [site/**]
  test:
    needs: [build]
    steps:
      - run: cat dist/app.txt dist/sub/x.txt && test ! -e site/index.html && echo no-docs-here
`,
    });
    const r = await runPipeline(repo);
    expect(r.status).toBe("success");
    const log = await r.log("test");
    expect(log).toContain("received 2 artifact file(s) (20 bytes) from needed jobs");
    expect(log).toMatch(/built-by-build\ndeep\nno-docs-here/);
  });

  it("a producer cannot make its consumer write through a symlink in the checkout", async () => {
    const outside = mkdtempSync(join(tmpdir(), "pitcrew-outside-"));
    const repo = createRepo({ README: "hostile\n" });
    // The commit holds `out` as a symlink to a directory outside; the producer replaces it with a
    // real directory in its own workspace and stores out/pwned as an artifact.
    symlinkSync(outside, join(repo, "out"));
    commitFiles(
      repo,
      {
        ".pitcrew/pipeline.yaml": `jobs:
  evil:
    steps:
      - run: rm out && mkdir out && echo pwned > out/pwned
    artifacts: [out/**]
  victim:
    needs: [evil]
    steps:
      - run: echo should-not-run
`,
      },
      "hostile",
    );
    const r = await runPipeline(repo);
    expect(r.status).toBe("failure");
    const victim = r.jobs.find((j) => j.key === "victim")!;
    expect((await t.app.store.jobs.get(victim.id)).reason).toMatch(/not a directory in the workspace/);
    expect(await r.log("victim")).not.toContain("should-not-run");
    expect(readdirSync(outside)).toEqual([]);
  });

  it("refuses, naming the limit, more bytes than a job may receive", async () => {
    const repo = createRepo({
      ".pitcrew/pipeline.yaml": `jobs:
  build:
    steps:
      - run: head -c 5000 /dev/zero > blob.bin
    artifacts: [blob.bin]
`,
    });
    const r = await runPipeline(repo);
    expect(r.status).toBe("success");
    const ws = mkdtempSync(join(tmpdir(), "pitcrew-ws-"));
    mkdirSync(join(ws, "x"));
    writeFileSync(join(ws, "x", "keep"), "");
    const ids = r.jobs.map((j) => j.id);
    await expect(receiveNeededArtifacts(t.app.store, t.app.runner.blobs, r.runId, ids, ws, 4999)).rejects.toThrow(
      "the artifacts of this job's needs are 5000 bytes, over the limit of 4999 bytes",
    );
    expect(readdirSync(ws)).toEqual(["x"]);
    expect(await receiveNeededArtifacts(t.app.store, t.app.runner.blobs, r.runId, ids, ws, 5000)).toEqual({
      files: 1,
      bytes: 5000,
    });
    expect(readdirSync(ws).sort()).toEqual(["blob.bin", "x"]);
  });
});
