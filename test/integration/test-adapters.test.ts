/**
 * The framework adapters of a step's `tests:` block on real tiny projects: vitest (pitcrew's
 * own), jest (installed once from npm, shared with the repair tests), node:test, pytest (Debian's
 * python3-pytest) and `framework: file`. Each project has three test files, a.pass, b.fail, c.pass;
 * the advice orders them c, b, a, and fail_fast must run c and b, in that order, and not a. The
 * normalised reports each adapter leaves for the job are read back to check it.
 */
import { existsSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import type { TestAdvisor } from "../../src/runner/tests/test-advice.js";
import { readV8Coverage } from "../../src/testintel/deps/v8-coverage.js";
import { npmFixture } from "../support/npm-fixture.js";
import { runTestJob } from "../support/run-test-job.js";

const ROOT = resolve(import.meta.dirname, "../..");

const pipeline = (framework: string, extra = "") => `jobs:
  unit:
    steps:
      - name: tests
        tests: { framework: ${framework}, fail_fast: true${extra} }
`;

describe("test framework adapters", () => {
  it("node:test: files in the given order, one process each, stop at the first failing file", async () => {
    const test = (name: string, ok: boolean) =>
      `import test from "node:test";\ntest("${name}", () => { if (!${ok}) throw new Error("${name} broke"); });\n`;
    const r = await runTestJob(pipeline("node-test"), {
      "a.test.mjs": test("a", true),
      "b.test.mjs": test("b", false),
      "c.test.mjs": test("c", true),
    });
    expect(r.order).toEqual(["c.test.mjs c.test.mjs > c: passed", "b.test.mjs b.test.mjs > b: failed"]);
    expect(r.outcome).toMatchObject({
      status: "failure",
      reason: "step 'tests' failed: 1 test file(s) failed: b.test.mjs",
    });
    expect(r.log).toContain("tests: fail_fast: stopped after b.test.mjs; 1 file(s) did not run: a.test.mjs");
  });

  it("vitest: file filter, junit report, bail, and V8 coverage per file when asked", async () => {
    const test = (name: string, ok: boolean) =>
      `import { expect, test } from "vitest";\nimport { ${name} } from "./lib-${name}.mjs";\ntest("${name}", () => { expect(${name}() && ${ok}).toBe(true); });\n`;
    const lib = (name: string) => `export const ${name} = () => true;\n`;
    const r = await runTestJob(
      // the step's own NODE_OPTIONS is kept beside the coverage preload
      `${pipeline("vitest", ", coverage: true")}        env: { NODE_OPTIONS: "--require ./mark.cjs" }\n`,
      {
        "src/a.test.mjs": test("a", true),
        "src/b.test.mjs": test("b", false),
        "src/c.test.mjs": test("c", true),
        "src/lib-a.mjs": lib("a"),
        "src/lib-b.mjs": lib("b"),
        "src/lib-c.mjs": lib("c"),
        "mark.cjs": 'require("fs").writeFileSync(require("path").join(__dirname, "marked"), "");\n',
        "vitest.config.mjs": "export default {};\n",
      },
      join(ROOT, "node_modules"),
    );
    expect(r.order).toEqual(["src/c.test.mjs src/c.test.mjs > c: passed", "src/b.test.mjs src/b.test.mjs > b: failed"]);
    expect(r.log).toContain("1 file(s) did not run: src/a.test.mjs");
    expect(existsSync(join(r.ws.dir, "marked"))).toBe(true);
    // vitest runs each file in a fork it ends with SIGTERM: each file's coverage is there, with what it loaded
    const scratch = readdirSync(r.ws.tmp).find((n) => n.startsWith("pitcrew-tests-0-"))!;
    const { deps } = await readV8Coverage(realpathSync(r.ws.dir), join(r.ws.tmp, scratch, "coverage"), (f) =>
      f.endsWith(".test.mjs"),
    );
    expect(Object.fromEntries([...deps].map(([t, files]) => [t, [...files].sort()]))).toEqual({
      // mark.cjs: the step's own preload, loaded by every worker too
      "src/b.test.mjs": ["mark.cjs", "src/lib-b.mjs"],
      "src/c.test.mjs": ["mark.cjs", "src/lib-c.mjs"],
    });
  }, 60_000);

  it("vitest: runs exactly the named file, not others whose path contains its name", async () => {
    const test = (name: string) => `import { test } from "vitest";\ntest("${name}", () => {});\n`;
    const r = await runTestJob(
      pipeline("vitest", ', files: ["src/a.test.js", "src/a (1).test.js"]'),
      {
        "src/a.test.js": test("a"),
        "src/a.test.jsx": test("a jsx"),
        "lib/src/a.test.js": test("a in lib"),
        "src/a (1).test.js": test("a (1)"),
        "vitest.config.mjs": "export default {};\n",
      },
      join(ROOT, "node_modules"),
    );
    expect(r.order).toEqual([
      "src/a.test.js src/a.test.js > a: passed",
      "src/a (1).test.js src/a (1).test.js > a (1): passed",
    ]);
  }, 60_000);

  it("vitest: a workspace with projects (each its own root) runs the named file", async () => {
    const test = (name: string) => `import { test } from "vitest";\ntest("${name}", () => {});\n`;
    const r = await runTestJob(
      pipeline("vitest", ', files: ["packages/a/src/x.test.mjs"]'),
      {
        "packages/a/src/x.test.mjs": test("x"),
        "packages/a/src/x.test.mjsx": test("x longer"),
        "packages/a/vitest.config.mjs": "export default {};\n",
        "vitest.config.mjs": "export default { test: { projects: ['packages/*'] } };\n",
      },
      join(ROOT, "node_modules"),
    );
    expect(r.order.map((o) => o.split(" ")[0])).toEqual(["packages/a/src/x.test.mjs"]);
    expect(r.order[0]).toMatch(/x: passed$/);
  }, 60_000);

  it("jest: runTestsByPath, its JSON report read back as cases, V8 coverage per file when asked", async () => {
    const modules = await npmFixture("jest29", "jest@29", "jest");
    const test = (name: string, ok: boolean) =>
      `const { ${name} } = require("./lib-${name}.js");\ndescribe("${name}", () => { test("works", () => { expect(${name}() && ${ok}).toBe(true); }); });\n`;
    const lib = (name: string) => `exports.${name} = () => true;\n`;
    const r = await runTestJob(
      pipeline("jest", ", coverage: true"),
      {
        "package.json": '{ "name": "tiny", "private": true }\n',
        "a.test.js": test("a", true),
        "b.test.js": test("b", false),
        "c.test.js": test("c", true),
        "lib-a.js": lib("a"),
        "lib-b.js": lib("b"),
        "lib-c.js": lib("c"),
      },
      modules,
    );
    expect(r.order).toEqual(["c.test.js c.test.js > c > works: passed", "b.test.js b.test.js > b > works: failed"]);
    expect(r.log).toContain("1 file(s) did not run: a.test.js");
    // one file per jest process, run in band: its coverage holds the file and what it required
    const scratch = readdirSync(r.ws.tmp).find((n) => n.startsWith("pitcrew-tests-0-"))!;
    const { deps } = await readV8Coverage(realpathSync(r.ws.dir), join(r.ws.tmp, scratch, "coverage"), (f) =>
      f.endsWith(".test.js"),
    );
    expect(Object.fromEntries([...deps].map(([t, files]) => [t, [...files].sort()]))).toEqual({
      "b.test.js": ["lib-b.js"],
      "c.test.js": ["lib-c.js"],
    });
  }, 600_000);

  it("pytest: test files in order with -x", async () => {
    const test = (name: string, ok: boolean) => `def test_${name}():\n    assert ${ok ? "True" : "False"}\n`;
    const r = await runTestJob(pipeline("pytest"), {
      "tests/test_a.py": test("a", true),
      "tests/test_b.py": test("b", false),
      "tests/test_c.py": test("c", true),
    });
    expect(r.order).toEqual([
      "tests/test_c.py tests.test_c > test_c: passed",
      "tests/test_b.py tests.test_b > test_b: failed",
    ]);
    expect(r.log).toContain("1 file(s) did not run: tests/test_a.py");
  }, 60_000);

  it("reruns a failure known flaky, and a pass on the rerun excuses the failure from the gate", async () => {
    // Fails the first time in a workspace, passes the second: flaky by construction.
    const flaky = `import test from "node:test";
import { existsSync, writeFileSync } from "node:fs";
test("once", () => {
  const marker = process.env.TMPDIR + "/ran-once";
  if (existsSync(marker)) return;
  writeFileSync(marker, "");
  throw new Error("first run");
});
`;
    const knowsFlaky: TestAdvisor = async ({ testFiles }) => ({
      run: testFiles,
      skipped: [],
      summary: "path order",
      flaky: new Map([["f.test.mjs.once", { flaky: true, evidence: "failed and passed in run 7" }]]),
    });
    const r = await runTestJob(
      pipeline("node-test", ", rerun_flaky: 2"),
      { "f.test.mjs": flaky },
      undefined,
      knowsFlaky,
    );
    expect(r.outcome).toEqual({
      status: "success",
      reason: null,
      exitCode: 0,
      quarantined: ["f.test.mjs.once"],
      outsideChange: [],
    });
    expect(r.order).toEqual(["f.test.mjs f.test.mjs > once: failed", "f.test.mjs f.test.mjs > once: passed"]);
    expect(r.log).toContain(
      "tests: rerunning f.test.mjs (1 of 2): f.test.mjs.once is flaky (failed and passed in run 7)",
    );
    expect(r.log).toContain("tests: f.test.mjs passed on rerun 1: flaky, not a failure of this change");
  });

  it("does not rerun a failure whose history falls short of flaky", async () => {
    const fails = `import test from "node:test";\ntest("once", () => { throw new Error("broke"); });\n`;
    const notFlaky: TestAdvisor = async ({ testFiles }) => ({
      run: testFiles,
      skipped: [],
      summary: "path order",
      flaky: new Map([["f.test.mjs.once", { flaky: false, evidence: "flakiness 0.10: 1 blip(s) in 9 runs" }]]),
    });
    const r = await runTestJob(pipeline("node-test", ", rerun_flaky: 2"), { "f.test.mjs": fails }, undefined, notFlaky);
    expect(r.outcome.status).toBe("failure");
    expect(r.order).toEqual(["f.test.mjs f.test.mjs > once: failed"]);
    expect(r.log).toContain("tests: f.test.mjs not rerun: f.test.mjs.once is not known flaky");
  });

  it("fails a file that exits 0 without leaving a report", async () => {
    const r = await runTestJob(
      `jobs:
  unit:
    steps:
      - name: tests
        run: "true"
        tests: { framework: node-test, files: "*.test.mjs" }
`,
      { "a.test.mjs": "" },
    );
    expect(r.outcome).toMatchObject({
      status: "failure",
      reason: "step 'tests' failed: 1 test file(s) failed: a.test.mjs",
    });
    expect(r.log).toContain("tests: a.test.mjs: the framework wrote no report");
  });

  it("file: any other framework reads the ordered list from ${{ tests.file }}", async () => {
    const r = await runTestJob(
      `jobs:
  unit:
    steps:
      - run: cp \${{ tests.file }} listed.txt && test -n "$NODE_V8_COVERAGE"
        tests: { framework: file, files: "t/*.t", coverage: true }
`,
      { "t/1.t": "", "t/2 two.t": "", "t/3.t": "" },
    );
    expect(r.outcome.status).toBe("success");
    expect(readFileSync(join(r.ws.dir, "listed.txt"), "utf8")).toBe("t/3.t\nt/2 two.t\nt/1.t\n");
  });

  it("never hands a hostile file name to a shell unquoted", async () => {
    const evil = "$(touch pwned) `touch pwned2`;touch pwned3 'x.test.mjs";
    const r = await runTestJob(pipeline("node-test"), {
      [evil]: `import test from "node:test";\ntest("t", () => {});\n`,
      "two\nlines.test.mjs": `import test from "node:test";\ntest("t", () => {});\n`,
    });
    expect(r.log).toContain("tests: 1 file(s) left out: their names contain control characters");
    expect(r.outcome.status).toBe("success");
    expect(r.order).toEqual([`${evil} ${evil} > t: passed`]);
    expect(readdirSync(r.ws.dir).filter((f) => f.startsWith("pwned"))).toEqual([]);
  });
});
