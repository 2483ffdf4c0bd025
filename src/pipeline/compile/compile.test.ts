// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are pipeline text with ${{ }} references
import { describe, expect, it } from "vitest";
import type { TriggerContext } from "../../common/plan.js";
import { compilePipeline } from "./compile.js";

const push: TriggerContext = { event: "push", branch: "main", commit: "0123abcd" };

const REALISTIC = `
name: ci
on:
  push: { branches: [main, 'release/*', '!release/old'], paths: ['src/**', 'package*.json', '!docs/**'] }
  pull_request: { branches: [main] }
  manual:
    inputs:
      level: { default: "1", description: "how thorough", options: ["1", "2"] }
  cron: [{ name: nightly, schedule: "0 3 * * *", branch: main }]
env: { CI_NAME: pitcrew, DEBUG: false, RETRIES: 3 }
gates: { tests_pass_rate: 1.0, coverage_min: 80, coverage_drop_max: 0.5 }
jobs:
  deploy:
    needs: build
    if: "event == 'push' && branch == 'main' && needs.build.status == 'success'"
    secrets: [DEPLOY_KEY]
    sandbox: { network: true }
    steps:
      - run: ./deploy.sh
  build:
    needs: [lint, test]
    runs-on: [linux, x64]
    resources: { cpus: 4, memory: 8g }
    timeout: 1h30m
    retries: { count: 2, backoff: 5s }
    artifacts: ["dist/**"]
    steps:
      - run: npm run build
  test:
    needs: lint
    runs-on: "\${{ matrix.os }}"
    matrix:
      node: [18, 20]
      os: [linux]
      include: [{ node: 22, os: linux }]
      exclude: [{ node: 18 }]
    env: { NODE_VERSION: "\${{ matrix.node }}", BRANCH: "\${{ branch }}", LEVEL: "\${{ inputs.level }}" }
    cache: { key: "npm-\${{ matrix.node }}-{{ hashFiles('package-lock.json') }}", restore-keys: [npm-], paths: [node_modules] }
    reports: { junit: "reports/*.xml", coverage: [coverage/lcov.info] }
    timeout: 10m
    retries: 1
    continue-on-error: true
    sandbox: true
    steps:
      - run: |
          npm ci
          npm test
      - name: coverage on \${{ branch }} (node \${{ matrix.node }})
        run: npx c8 report
        env: { FORCE_COLOR: 0 }
        if: "failure() || matrix.node == 22"
        timeout: 90s
        working-directory: packages/./a/
        continue-on-error: true
  lint:
    steps:
      - run: npm run lint
`;

describe("compilePipeline: a realistic pipeline", () => {
  const result = compilePipeline(
    REALISTIC,
    { ...push, changedFiles: ["src/a.ts"] },
    { file: ".pitcrew/pipeline.yaml" },
  );

  it("compiles without diagnostics", () => {
    expect(result.diagnostics).toEqual([]);
    expect(result.skipped).toBeUndefined();
  });

  it("orders jobs topologically and expands the matrix", () => {
    expect(result.plan!.jobs.map((j) => [j.key, j.needs])).toEqual([
      ["lint", []],
      ["test (node: 20, os: linux)", ["lint"]],
      ["test (node: 22, os: linux)", ["lint"]],
      ["build", ["lint", "test (node: 20, os: linux)", "test (node: 22, os: linux)"]],
      ["deploy", ["build"]],
    ]);
  });

  it("fills the pipeline-level fields", () => {
    const { jobs: _, ...plan } = result.plan!;
    expect(plan).toEqual({
      name: "ci",
      env: { CI_NAME: "pitcrew", DEBUG: "false", RETRIES: "3" },
      gates: { testsPassRate: 1, coverageMin: 80, coverageDropMax: 0.5 },
      inputs: { level: "1" },
    });
  });

  it("builds a matrix job with everything substituted and durations in ms", () => {
    expect(result.plan!.jobs[2]).toEqual({
      key: "test (node: 22, os: linux)",
      name: "test",
      matrix: { node: "22", os: "linux" },
      needs: ["lint"],
      env: { NODE_VERSION: "22", BRANCH: "main", LEVEL: "1" },
      secrets: [],
      timeoutMs: 600_000,
      retries: { count: 1, backoffMs: 1000 },
      continueOnError: true,
      runsOn: ["linux"],
      sandbox: { enabled: true, network: false },
      steps: [
        { name: "npm ci", run: "npm ci\nnpm test\n", env: {}, continueOnError: false },
        {
          name: "coverage on main (node 22)",
          run: "npx c8 report",
          env: { FORCE_COLOR: "0" },
          if: "failure() || matrix.node == 22",
          timeoutMs: 90_000,
          workingDirectory: "packages/a/",
          continueOnError: true,
        },
      ],
      artifacts: [],
      cache: { key: "npm-22-{{ hashFiles('package-lock.json') }}", restoreKeys: ["npm-"], paths: ["node_modules"] },
      reports: { junit: ["reports/*.xml"], coverage: ["coverage/lcov.info"] },
    });
  });

  it("fills defaults and keeps job conditions as source", () => {
    const [lint, , , build, deploy] = result.plan!.jobs;
    expect(lint).toMatchObject({
      timeoutMs: 3_600_000,
      retries: { count: 0, backoffMs: 1000 },
      runsOn: [],
      sandbox: { enabled: false, network: false },
      continueOnError: false,
      reports: { junit: [], coverage: [] },
    });
    expect(lint!.if).toBeUndefined();
    expect(lint!.cache).toBeUndefined();
    expect(build).toMatchObject({
      timeoutMs: 5_400_000,
      retries: { count: 2, backoffMs: 5000 },
      runsOn: ["linux", "x64"],
      resources: { cpus: 4, memory: 8 * 2 ** 30 },
    });
    expect(lint!.resources).toBeUndefined();
    expect(deploy).toMatchObject({
      if: "event == 'push' && branch == 'main' && needs.build.status == 'success'",
      secrets: ["DEPLOY_KEY"],
      sandbox: { enabled: true, network: true },
    });
  });
});

describe("compilePipeline: triggers", () => {
  it.each<[string, TriggerContext, string | undefined]>([
    ["push to main touching src", { ...push, changedFiles: ["src/x.ts"] }, undefined],
    ["push with unknown changed files", push, undefined],
    ["push touching only docs", { ...push, changedFiles: ["docs/a.md"] }, "no changed file matches on.push.paths"],
    [
      "push to an excluded branch",
      { ...push, branch: "release/old" },
      "branch 'release/old' does not match on.push.branches",
    ],
    ["pull request into main", { ...push, event: "pull_request", branch: "feat", baseBranch: "main" }, undefined],
    ["cron schedule", { ...push, event: "cron", schedule: "nightly" }, undefined],
  ])("%s", (_, trigger, skipped) => {
    const r = compilePipeline(REALISTIC, trigger);
    expect(r.skipped).toBe(skipped);
    expect(r.plan === undefined).toBe(skipped !== undefined);
  });

  it("ignoreTriggers compiles anyway", () => {
    const r = compilePipeline(REALISTIC, { ...push, branch: "release/old" }, { ignoreTriggers: true });
    expect(r.skipped).toBeUndefined();
    expect(r.plan?.jobs).toHaveLength(5);
  });

  it("a file without `on:` runs on push to any branch and manually", () => {
    const text = "jobs:\n  a:\n    steps: [{ run: x }]\n";
    expect(compilePipeline(text, { ...push, branch: "feature/x" }).plan?.name).toBe("pipeline");
    expect(compilePipeline(text, { ...push, event: "manual" }).plan).toBeDefined();
    expect(compilePipeline(text, { ...push, event: "pull_request" }).skipped).toBe(
      "the pipeline has no 'pull_request' trigger",
    );
  });
});

describe("compilePipeline: manual inputs", () => {
  const manual = (inputs: Record<string, string>): TriggerContext => ({ ...push, event: "manual", inputs });
  const text = `
on:
  manual:
    inputs:
      level: { default: "1", options: ["1", "2"] }
      target: { required: true }
jobs:
  a:
    env: { LEVEL: "\${{ inputs.level }}", TARGET: "\${{ inputs.target }}" }
    steps: [{ run: x }]
`;

  it("fills defaults and takes given values", () => {
    const r = compilePipeline(text, manual({ target: "prod" }));
    expect(r.plan?.inputs).toEqual({ level: "1", target: "prod" });
    expect(r.plan?.jobs[0]?.env).toEqual({ LEVEL: "1", TARGET: "prod" });
  });

  it.each<[Record<string, string>, string, number]>([
    [{}, "missing-input", 6],
    [{ target: "x", level: "3" }, "invalid-input", 5],
    [{ target: "x", nope: "1" }, "unknown-input", 4],
  ])("rejects %j with %s", (inputs, code, line) => {
    const r = compilePipeline(text, manual(inputs));
    expect(r.plan).toBeUndefined();
    expect(r.diagnostics.map((d) => [d.code, d.line])).toEqual([[code, line]]);
  });
});

describe("compilePipeline: untrusted values never reach a shell", () => {
  const evil: TriggerContext = { ...push, branch: "$(touch /tmp/pwned)" };

  it("refuses a branch interpolated into run", () => {
    const r = compilePipeline("jobs:\n  a:\n    steps:\n      - run: git checkout ${{ branch }}\n", evil);
    expect(r.plan).toBeUndefined();
    expect(r.diagnostics).toMatchObject([{ code: "untrusted-interpolation", severity: "error", line: 4, column: 27 }]);
  });

  it('passes it through env, where the script quotes it as "$BRANCH"', () => {
    const text = 'jobs:\n  a:\n    env: { BRANCH: "${{ branch }}" }\n    steps:\n      - run: git checkout "$BRANCH"\n';
    const job = compilePipeline(text, evil).plan!.jobs[0]!;
    expect(job.env.BRANCH).toBe("$(touch /tmp/pwned)");
    expect(job.steps[0]!.run).toBe('git checkout "$BRANCH"');
    expect(JSON.stringify(job.steps)).not.toContain("pwned");
  });
});

describe("compilePipeline: errors", () => {
  it("returns diagnostics and no plan when lint finds errors, keeping warnings", () => {
    const text = "jobs:\n  a:\n    needs: [b]\n    matrix: { n: [1, 2] }\n    steps: [{ run: x }]\n";
    const r = compilePipeline(text, push, { file: "p.yaml" });
    expect(r.plan).toBeUndefined();
    expect(r.diagnostics.map((d) => `${d.severity}:${d.code}@${d.line}:${d.column}`)).toEqual([
      "error:unknown-need@3:13",
      "warning:unused-matrix-key@4:15",
    ]);
  });

  it("lists each needed job once", () => {
    const text = "jobs:\n  a:\n    steps: [{ run: x }]\n  b:\n    needs: [a, a]\n    steps: [{ run: y }]\n";
    expect(compilePipeline(text, push).plan?.jobs[1]?.needs).toEqual(["a"]);
  });

  it("never throws on garbage", () => {
    for (const text of ["", ":", "[1, 2]", "jobs: 5", "jobs:\n  a: 5", "\t\tjobs"]) {
      const r = compilePipeline(text, push);
      expect(r.plan).toBeUndefined();
      expect(r.diagnostics.length).toBeGreaterThan(0);
    }
  });
});

describe("compilePipeline: a step's tests: block", () => {
  it("fills the defaults, adds the test reports and turns ${{ tests.file }} into the runner's variable", () => {
    const r = compilePipeline(
      `jobs:
  unit:
    reports: { junit: out/*.xml }
    steps:
      - tests: { framework: pytest, select: prioritize, fail_fast: true }
      - run: ./run-all --list \${{ tests.file }}
        tests: { framework: file, files: "t/*.t", rerun_flaky: 2, quarantine: true, coverage: true }
`,
      push,
    );
    expect(r.diagnostics).toEqual([]);
    const job = r.plan!.jobs[0]!;
    expect(job.reports.junit).toEqual(["out/*.xml", ".pitcrew/tests/**/*.xml"]);
    expect(job.steps.map((s) => [s.run, s.tests])).toEqual([
      [
        "python3 -m pytest",
        {
          framework: "pytest",
          select: "prioritize",
          failFast: true,
          coverage: false,
          rerunFlaky: 0,
          quarantine: false,
          files: ["**/test_*.py", "**/*_test.py", "!**/node_modules/**", "!**/.venv/**"],
        },
      ],
      [
        './run-all --list "$PITCREW_TESTS_FILE"',
        {
          framework: "file",
          select: "all",
          failFast: false,
          coverage: true,
          rerunFlaky: 2,
          quarantine: true,
          files: ["t/*.t"],
        },
      ],
    ]);
  });
});
