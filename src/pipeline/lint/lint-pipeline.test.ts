// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are pipeline text with ${{ }} references
import { describe, expect, it } from "vitest";
import { lintPipeline } from "./lint-pipeline.js";

/** Joins lines into a pipeline text (keeps line numbers in the tests easy to read). */
const yaml = (...lines: string[]) => `${lines.join("\n")}\n`;

/** `[code, line, column]` of every diagnostic with the given severity. */
function found(text: string, severity: "error" | "warning" = "error"): [string, number, number][] {
  return lintPipeline(text)
    .filter((d) => d.severity === severity)
    .map((d) => [d.code, d.line, d.column]);
}

const ok = (...steps: string[]) => ["jobs:", "  build:", "    steps:", ...steps];

describe("lintPipeline: errors", () => {
  it.each<[string, string, [string, number, number][]]>([
    ["yaml syntax", yaml("jobs:", "  build: [", "    steps: 1"), [["yaml-syntax", 4, 1]]],
    ["empty file", yaml("# nothing here"), [["empty-pipeline", 1, 1]]],
    ["unknown top-level key", yaml("jbos: {}", ...ok("      - run: x")), [["unknown-key", 1, 1]]],
    ["unknown job key", yaml(...ok("      - run: x"), "    step: []"), [["unknown-key", 5, 5]]],
    ["unknown step key", yaml(...ok("      - run: x", "        shell: sh")), [["unknown-key", 5, 9]]],
    ["unknown trigger", yaml("on:", "  pushh: {}", ...ok("      - run: x")), [["unknown-key", 2, 3]]],
    ["wrong type", yaml(...ok("      - run: x"), "    continue-on-error: maybe"), [["invalid-value", 5, 24]]],
    ["step without run", yaml(...ok("      - name: x")), [["missing-run", 4, 9]]],
    ["retries out of range", yaml(...ok("      - run: x"), "    retries: 99"), [["invalid-value", 5, 14]]],
    [
      "memory without a unit",
      yaml(...ok("      - run: x"), "    resources: { memory: '4' }"),
      [["invalid-memory-size", 5, 26]],
    ],
    ["cpus not positive", yaml(...ok("      - run: x"), "    resources: { cpus: 0 }"), [["invalid-value", 5, 24]]],
    ["unknown resource", yaml(...ok("      - run: x"), "    resources: { gpus: 1 }"), [["unknown-key", 5, 18]]],
    ["no jobs", yaml("jobs: {}"), [["no-jobs", 1, 1]]],
    ["job without steps", yaml("jobs:", "  build:", "    runs-on: linux"), [["no-steps", 2, 3]]],
    ["empty job", yaml("jobs:", "  build:"), [["no-steps", 2, 3]]],
    ["job with empty steps", yaml("jobs:", "  build:", "    steps: []"), [["no-steps", 2, 3]]],
    ["invalid job name", yaml("jobs:", "  'build it':", "    steps: [{ run: x }]"), [["invalid-job-name", 2, 3]]],
    [
      "invalid env name",
      yaml("env:", "  MY-VAR: 1", ...ok("      - run: x", "        env: { 1X: a }")),
      [
        ["invalid-env-name", 2, 3],
        ["invalid-env-name", 7, 16],
      ],
    ],
    [
      "invalid secret name",
      yaml(...ok("      - run: x"), "    secrets: [npm-token]"),
      [["invalid-secret-name", 5, 15]],
    ],
    [
      "unknown need (short form)",
      yaml("jobs:", "  a:", "    needs: lnt", "    steps: [{ run: x }]"),
      [["unknown-need", 3, 12]],
    ],
    [
      "unknown need (list)",
      yaml("jobs:", "  a:", "    steps: [{ run: x }]", "  b:", "    needs: [a, ghost]", "    steps: [{ run: x }]"),
      [["unknown-need", 5, 16]],
    ],
    ["self need", yaml("jobs:", "  a:", "    needs: a", "    steps: [{ run: x }]"), [["cyclic-needs", 3, 5]]],
    [
      "cycle a → b → a",
      yaml(
        "jobs:",
        "  a:",
        "    needs: b",
        "    steps: [{ run: x }]",
        "  b:",
        "    needs: [a]",
        "    steps: [{ run: x }]",
      ),
      [["cyclic-needs", 3, 5]],
    ],
    [
      "matrix too large",
      yaml(
        ...ok("      - run: echo ${{ matrix.a }}${{ matrix.b }}${{ matrix.c }}"),
        "    matrix:",
        `      a: [${[...Array(10).keys()]}]`,
        `      b: [${[...Array(10).keys()]}]`,
        "      c: [1, 2, 3]",
      ),
      [["matrix-too-large", 5, 5]],
    ],
    ["empty matrix", yaml(...ok("      - run: x"), "    matrix: { node: [] }"), [["empty-matrix", 5, 5]]],
    [
      "matrix excluding everything",
      yaml(...ok("      - run: ${{ matrix.n }}"), "    matrix: { n: [1], exclude: [{ n: 1 }] }"),
      [["empty-matrix", 5, 5]],
    ],
    ["bad job timeout", yaml(...ok("      - run: x"), "    timeout: 10 minutes"), [["invalid-duration", 5, 14]]],
    ["zero timeout", yaml(...ok("      - run: x"), "    timeout: 0"), [["invalid-duration", 5, 14]]],
    [
      "bad backoff",
      yaml(...ok("      - run: x"), "    retries: { count: 2, backoff: soon }"),
      [["invalid-duration", 5, 35]],
    ],
    ["job timeout over 24h", yaml(...ok("      - run: x"), "    timeout: 25h"), [["timeout-too-long", 5, 14]]],
    ["step timeout over 24h", yaml(...ok("      - run: x", "        timeout: 90000")), [["timeout-too-long", 5, 18]]],
    [
      "absolute working-directory",
      yaml(...ok("      - run: x", "        working-directory: /etc")),
      [["working-directory-escape", 5, 28]],
    ],
    [
      "artifact, report and cache paths escaping the workspace",
      yaml(
        ...ok("      - run: x"),
        '    artifacts: ["dist/**", "../../etc/x"]',
        "    reports: { junit: /tmp/junit.xml }",
        "    cache: { key: k, paths: [node_modules, ../shared] }",
      ),
      [
        ["path-escape", 5, 28],
        ["path-escape", 6, 23],
        ["path-escape", 7, 44],
      ],
    ],
    [
      "escaping working-directory",
      yaml(...ok("      - run: x", "        working-directory: a/../../b")),
      [["working-directory-escape", 5, 28]],
    ],
    [
      "working-directory escaping through a matrix value",
      yaml(
        ...ok("      - run: x", "        working-directory: pkgs/${{ matrix.dir }}"),
        "    matrix: { dir: [a, ../..] }",
      ),
      [["working-directory-escape", 5, 28]],
    ],
    [
      "invalid cron",
      yaml("on:", "  cron:", "    - { name: n, schedule: '61 * * * *' }", ...ok("      - run: x")),
      [["invalid-cron", 3, 28]],
    ],
    [
      "duplicate cron name",
      yaml(
        "on:",
        "  cron:",
        "    - { name: n, schedule: '0 3 * * *' }",
        "    - { name: n, schedule: '0 4 * * *' }",
        ...ok("      - run: x"),
      ),
      [["duplicate-cron-name", 4, 15]],
    ],
    [
      "input default outside its options",
      yaml(
        "on:",
        "  manual:",
        "    inputs:",
        "      level: { default: '3', options: ['1', '2'] }",
        ...ok("      - run: x"),
      ),
      [["invalid-input-default", 4, 25]],
    ],
    [
      "pass rate as a percentage",
      yaml("gates: { tests_pass_rate: 100 }", ...ok("      - run: x")),
      [["gate-out-of-range", 1, 27]],
    ],
    [
      "coverage over 100",
      yaml("gates:", "  coverage_min: 120", ...ok("      - run: x")),
      [["gate-out-of-range", 2, 17]],
    ],
    [
      "negative coverage drop",
      yaml("gates:", "  coverage_drop_max: -1", ...ok("      - run: x")),
      [["gate-out-of-range", 2, 22]],
    ],
    [
      "invalid job if (column inside)",
      yaml(...ok("      - run: x"), "    if: branch = 'main'"),
      [["invalid-expression", 5, 16]],
    ],
    [
      "invalid quoted step if",
      yaml(...ok("      - run: x", `        if: "success() &&"`)),
      [["invalid-expression", 5, 26]],
    ],
    ["if with ${{ }}", yaml(...ok("      - run: x"), "    if: ${{ success() }}"), [["invalid-expression", 5, 9]]],
    [
      "needs.X in if without needing X",
      yaml(
        "jobs:",
        "  a:",
        "    steps: [{ run: x }]",
        "  b:",
        "    steps: [{ run: x }]",
        "    if: needs.a.status == 'success'",
      ),
      [["needs-not-declared", 6, 9]],
    ],
    [
      "unknown matrix key in if",
      yaml(...ok("      - run: x"), "    if: matrix.node == 20"),
      [["unknown-reference", 5, 9]],
    ],
    [
      "undeclared input in if",
      yaml(...ok("      - run: x"), "    if: inputs.level == '2'"),
      [["unknown-reference", 5, 9]],
    ],
    ["untrusted branch in run", yaml(...ok("      - run: echo ${{ branch }}")), [["untrusted-interpolation", 4, 19]]],
    [
      "untrusted input in a block run",
      yaml(
        "on:",
        "  manual: { inputs: { who: {} } }",
        ...ok("      - run: |", "          echo hi", "          echo ${{ inputs.who }}"),
      ),
      [["untrusted-interpolation", 8, 16]],
    ],
    [
      "untrusted branch in runs-on",
      yaml(...ok("      - run: x"), "    runs-on: ['${{ branch }}']"),
      [["untrusted-interpolation", 5, 16]],
    ],
    ["unknown matrix key in run", yaml(...ok("      - run: echo ${{ matrix.nope }}")), [["unknown-reference", 4, 19]]],
    [
      "undeclared input in env",
      yaml(...ok("      - run: x"), "    env: { L: '${{ inputs.level }}' }"),
      [["unknown-reference", 5, 16]],
    ],
    [
      "matrix in pipeline env",
      yaml("env: { N: '${{ matrix.n }}' }", ...ok("      - run: x")),
      [["unknown-reference", 1, 12]],
    ],
    ["reference to env", yaml(...ok("      - run: echo ${{ env.HOME }}")), [["invalid-interpolation", 4, 23]]],
    ["unclosed interpolation", yaml(...ok("      - run: echo ${{ matrix.x")), [["invalid-interpolation", 4, 19]]],
    [
      "interpolation in artifacts",
      yaml(...ok("      - run: x"), "    artifacts: ['dist/${{ branch }}']"),
      [["interpolation-not-allowed", 5, 23]],
    ],
  ])("%s", (_, text, expected) => {
    expect(found(text)).toEqual(expected);
  });
});

describe("lintPipeline: warnings", () => {
  it.each<[string, string, [string, number, number][]]>([
    [
      "unused matrix key",
      yaml(...ok("      - run: node ${{ matrix.node }}"), "    matrix: { node: [18, 20], os: [linux] }"),
      [["unused-matrix-key", 5, 31]],
    ],
    [
      "matrix key used only in if is used",
      yaml(...ok("      - run: x", "        if: matrix.node == 20"), "    matrix: { node: [18, 20] }"),
      [],
    ],
    [
      "exclude matching nothing",
      yaml(
        ...ok("      - run: ${{ matrix.node }}"),
        "    matrix:",
        "      node: [18, 20]",
        "      exclude: [{ node: 16 }]",
      ),
      [["matrix-exclude-unmatched", 7, 17]],
    ],
    [
      "failure() in a job without needs",
      yaml(...ok("      - run: x"), "    if: failure()"),
      [["condition-never-true", 5, 9]],
    ],
    [
      "failure() in the first step",
      yaml(...ok("      - run: x", "        if: always() && failure()")),
      [["condition-never-true", 5, 25]],
    ],
    ["!failure() can be true", yaml(...ok("      - run: x"), "    if: '!failure() || always()'"), []],
    ["failure() in a later step is fine", yaml(...ok("      - run: x", "      - run: y", "        if: failure()")), []],
    [
      "step timeout over the job's",
      yaml(...ok("      - run: x", "        timeout: 2h")),
      [["step-timeout-exceeds-job", 5, 18]],
    ],
    [
      "duplicate step names",
      yaml(...ok("      - { name: test, run: x }", "      - { name: test, run: y }")),
      [["duplicate-step-name", 5, 17]],
    ],
    [
      "secrets on pull requests",
      yaml("on: { pull_request: {} }", ...ok("      - run: x"), "    secrets: [NPM_TOKEN]"),
      [["secrets-on-pull-request", 6, 5]],
    ],
    ["sandbox: false", yaml(...ok("      - run: x"), "    sandbox: false"), [["sandbox-not-disabled", 5, 14]]],
    ["sandbox with network", yaml(...ok("      - run: x"), "    sandbox: { network: true }"), []],
    [
      "secrets on pull requests guarded by event",
      yaml(
        "on: { pull_request: {} }",
        ...ok("      - run: x"),
        "    secrets: [NPM_TOKEN]",
        "    if: event != 'pull_request'",
      ),
      [],
    ],
  ])("%s", (_, text, expected) => {
    expect(found(text, "warning")).toEqual(expected);
  });
});

describe("lintPipeline: runs-on against known runner labels", () => {
  const text = [
    "jobs:",
    "  build:",
    "    runs-on: ubuntu-latest",
    "    steps: [{ run: x }]",
    "  test:",
    "    runs-on: [linux, '${{ matrix.os }}']",
    "    matrix: { os: [linux] }",
    "    steps: [{ run: x }]",
    "",
  ].join("\n");

  it("warns for a label no runner has, at the runs-on value", () => {
    expect(lintPipeline(text, { runnerLabels: ["linux", "local"] })).toEqual([
      expect.objectContaining({
        severity: "warning",
        code: "unknown-runner-label",
        line: 3,
        column: 14,
        message: expect.stringContaining("'ubuntu-latest', which no runner has (runner labels: linux, local)"),
      }),
    ]);
  });

  it("says nothing when the labels are unknown or all present", () => {
    expect(lintPipeline(text)).toEqual([]);
    expect(lintPipeline(text, { runnerLabels: ["linux", "ubuntu-latest"] })).toEqual([]);
  });
});

describe("lintPipeline: messages", () => {
  const message = (text: string, code: string) => lintPipeline(text).find((d) => d.code === code)?.message;

  it("spells out the cycle", () => {
    const text = yaml(
      "jobs:",
      "  a:",
      "    needs: c",
      "    steps: [{ run: x }]",
      "  b:",
      "    needs: a",
      "    steps: [{ run: x }]",
      "  c:",
      "    needs: b",
      "    steps: [{ run: x }]",
    );
    expect(message(text, "cyclic-needs")).toBe("jobs need each other in a cycle: a → c → b → a");
  });

  it("says how many jobs a matrix expands to", () => {
    const text = yaml(
      ...ok("      - run: ${{ matrix.a }}${{ matrix.b }}"),
      "    matrix:",
      `      a: [${Array.from({ length: 20 }, (_, i) => i)}]`,
      `      b: [${Array.from({ length: 13 }, (_, i) => i)}]`,
    );
    expect(message(text, "matrix-too-large")).toBe(
      "the matrix of job 'build' expands to 260 jobs, more than the limit of 256",
    );
  });

  it("explains why a branch may not reach a shell", () => {
    const text = yaml(...ok("      - run: git checkout ${{ branch }}"));
    expect(message(text, "untrusted-interpolation")).toBe(
      '${{ branch }} in run: branch names and inputs are untrusted; map them into env and use "$VAR"',
    );
  });

  it("allows untrusted values in env and names, and matrix values everywhere interpolation works", () => {
    const text = yaml(
      "on:",
      "  manual: { inputs: { level: { default: '1' } } }",
      "env: { WHO: '${{ branch }}' }",
      "jobs:",
      "  test:",
      "    runs-on: ['${{ matrix.os }}']",
      "    matrix: { os: [linux], node: [20] }",
      "    cache: { key: 'npm-${{ matrix.node }}', paths: [node_modules] }",
      "    env: { LEVEL: '${{ inputs.level }}', SHA: '${{ commit }}' }",
      "    steps:",
      "      - name: test on ${{ branch }} (${{ matrix.node }})",
      '        run: echo "$WHO" ${{ matrix.node }}',
      "        working-directory: pkgs/${{ matrix.os }}",
      "        env: { EVENT: '${{ event }}' }",
    );
    expect(lintPipeline(text)).toEqual([]);
  });

  it("reports positions with the file name", () => {
    const [d] = lintPipeline(yaml(...ok("      - run: x"), "    timeout: nope"), { file: "p.yaml" });
    expect(d).toMatchObject({ file: "p.yaml", line: 5, column: 14, path: "jobs.build.timeout", severity: "error" });
  });
});

describe("lintPipeline: keeps going after schema errors", () => {
  it("reports rule errors next to schema errors, but not the consequences of the invalid part", () => {
    const text = yaml(
      "jobs:",
      "  a:",
      "    matrix: { node: 20 }",
      "    steps: [{ run: 'echo ${{ matrix.node }}' }]",
      "  b:",
      "    needs: [a, ghost]",
      "    steps: [{ run: x }]",
    );
    expect(found(text)).toEqual([
      ["invalid-value", 3, 21],
      ["unknown-need", 6, 16],
    ]);
  });

  it("an invalid on: hides no job error and invents no unknown input", () => {
    const text = yaml(
      "on: { manual: { inputs: { level: { default: 3 } } } }",
      "jobs:",
      "  a:",
      "    if: inputs.level == '2'",
      "    timeout: soon",
      "    steps: [{ run: x }]",
    );
    expect(found(text)).toEqual([
      ["invalid-value", 1, 45],
      ["invalid-duration", 5, 14],
    ]);
  });
});
