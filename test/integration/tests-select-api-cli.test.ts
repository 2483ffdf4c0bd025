/**
 * Change-based test selection of a stored project: through the API route (a checkout of the
 * head from the project's mirror; its OpenAPI entry) and `pitcrew tests select --project` on the
 * same store, both using the project's recorded dependency map and the import graph.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureMirror, mirrorDir } from "../../src/runner/index.js";
import { commitFiles, createRepo, gitIn } from "../support/git-repo.js";
import { runCli } from "../support/run-cli.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

describe("tests select through the API and the CLI", () => {
  let t: TestApp;
  let config: string;
  let repo: string;
  let base: string;
  let head: string;
  const get = async (url: string) => {
    const r = await t.server.inject({ method: "GET", url, headers: { authorization: `Bearer ${t.adminToken}` } });
    return { status: r.statusCode, body: r.json() };
  };

  beforeAll(async () => {
    t = await startTestApp();
    config = join(t.dataDir, "pitcrew.yaml");
    writeFileSync(config, `data_dir: ${t.dataDir}\ndatabase:\n  url: sqlite:${join(t.dataDir, "pitcrew.db")}\n`);
    repo = createRepo({
      "src/a.js": "export const a = 1;\n",
      "src/fixture.bin": "one\n",
      "test/a.test.js": 'import { a } from "../src/a.js";\n',
      "test/fixture.test.js": "// reads a fixture by a computed name\n",
    });
    base = gitIn(repo, "rev-parse", "HEAD");
    head = commitFiles(repo, { "src/a.js": "export const a = 2;\n", "src/fixture.bin": "two\n" }, "change");
    const p = await t.app.store.projects.create({ name: "demo", repoUrl: repo });
    await ensureMirror(repo, mirrorDir(t.dataDir, p.id));
    // the coverage of a run at the base: fixture.test.js read src/fixture.bin
    await t.app.store.testDeps.record(p.id, base, "v8", new Map([["test/fixture.test.js", ["src/fixture.bin"]]]), 1);
  });
  afterAll(async () => {
    await t.dispose();
  });

  it("serves the selection for base..head with a reason per test file, documented in OpenAPI", async () => {
    const r = await get(`/api/projects/demo/tests/select?base=${base}&head=main`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      base,
      head,
      run: expect.arrayContaining(["test/a.test.js", "test/fixture.test.js"]),
    });
    const why = Object.fromEntries(
      r.body.decisions.map((d: { file: string; reason: string; detail: string }) => [d.file, d]),
    );
    expect(why["test/a.test.js"]).toMatchObject({ reason: "dependency-changed", detail: "imports src/a.js (changed)" });
    expect(why["test/fixture.test.js"].detail).toMatch(
      /^exercised src\/fixture\.bin \(changed\) in the coverage recorded at .*, 1 commit before$/,
    );
    expect((await get(`/api/projects/demo/tests/select?base=${base}&head=nope`)).status).toBe(404);
    expect((await get(`/api/projects/demo/tests/select?base=--upload-pack=x&head=main`)).status).toBe(400);
    expect((await get(`/api/projects/nope/tests/select?base=${base}&head=main`)).status).toBe(404);
    const openapi = (await get("/api/openapi.json")).body;
    expect(Object.keys(openapi.paths)).toContain("/api/projects/{project}/tests/select");
  });

  it("answers the same through pitcrew tests select --project on the checkout", async () => {
    const r = await runCli(config, "tests", "select", "--project", "demo", "--repo", repo, "--base", base, "--json");
    expect(r.exitCode).toBeUndefined();
    expect(JSON.parse(r.out).run.sort()).toEqual(["test/a.test.js", "test/fixture.test.js"]);
    const offline = await runCli(config, "tests", "select", "--repo", repo, "--base", base, "--json");
    expect(JSON.parse(offline.out).run).toEqual(["test/a.test.js"]);
  });
});
