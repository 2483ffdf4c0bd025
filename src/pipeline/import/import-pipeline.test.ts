// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are pipeline text with ${{ }} references
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { importPipeline } from "./import-pipeline.js";

const fixture = (name: string) => {
  const file = fileURLToPath(new URL(`../../../test/fixtures/import/${name}`, import.meta.url));
  return importPipeline(readFileSync(file, "utf8"), { file: name });
};
const codesAt = (r: ReturnType<typeof importPipeline>) => r.diagnostics.map((d) => `${d.line} ${d.code}`);

describe("importPipeline: GitHub Actions", () => {
  const result = fixture("github-node.yml");
  const out = parse(result.pipeline!);

  it("converts the workflow into a pipeline that lints with no error", () => {
    expect(result.format).toBe("github-actions");
    expect(result.lint.filter((d) => d.severity === "error")).toEqual([]);
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(result.jobs).toEqual(["lint", "test", "publish"]);
  });

  it("maps triggers: branch filters, paths-ignore as negations, manual inputs, schedules", () => {
    expect(out.on).toEqual({
      push: { branches: ["main"], paths: ["!docs/**"] },
      pull_request: {},
      manual: { inputs: { level: { description: "log level", default: "info", options: ["info", "debug"] } } },
      cron: [{ name: "schedule-1", schedule: "0 3 * * *" }],
    });
    expect(codesAt(result)).toContain("18 import-trigger");
  });

  it("maps needs, matrix (Linux only), timeout, cache, artifacts, secrets and conditions", () => {
    expect(out.jobs.test).toMatchObject({
      needs: "lint",
      matrix: { node: [18, 20] },
      timeout: "15m",
      cache: {
        key: "npm-{{ os }}-{{ hashFiles('package-lock.json') }}",
        paths: ["node_modules"],
        "restore-keys": ["npm-"],
      },
      secrets: ["NPM_TOKEN"],
      artifacts: ["coverage/**"],
    });
    expect(out.jobs.test.matrix.include).toBeUndefined();
    expect(out.jobs.publish.if).toBe("event == 'push' && branch == 'main'");
  });

  it("puts GitHub context values into scripts as pitcrew's variables, never as pasted text", () => {
    expect(out.jobs.test.steps[1]).toEqual({
      name: "test on node ${{ matrix.node }}",
      run: 'npm test -- --reporter=junit --commit ${PITCREW_COMMIT} --branch "${PITCREW_BRANCH}"',
      env: { LEVEL: "${{ inputs.level }}" },
    });
  });

  it("drops checkout, notes setup actions, and keeps other actions as commented steps with a diagnostic", () => {
    expect(out.jobs.lint.steps).toEqual([{ run: "npm ci" }, { run: "npm run lint" }]);
    expect(result.pipeline).toContain("# pitcrew import: actions/setup-node@v4 (node-version: 20)");
    expect(result.pipeline).toContain("# - uses: codecov/codecov-action@v4");
    expect(codesAt(result)).toEqual(
      expect.arrayContaining(["27 import-setup", "66 import-action", "44 import-setting"]),
    );
  });

  it("disables (if: false) what runs under a condition with no equivalent, and says why", () => {
    expect(out.jobs.publish.steps[1]).toMatchObject({ if: "false" });
    expect(result.pipeline).toContain("# pitcrew import: original condition: if: startsWith(github.ref, 'refs/tags/')");
    expect(codesAt(result)).toEqual(expect.arrayContaining(["79 import-condition", "80 import-expression"]));
  });
});

describe("importPipeline: GitLab CI", () => {
  const result = fixture("gitlab-python.yml");
  const out = parse(result.pipeline!);

  it("converts the file into a pipeline that lints with no error", () => {
    expect(result.format).toBe("gitlab-ci");
    expect(result.lint.filter((d) => d.severity === "error")).toEqual([]);
    expect(result.jobs).toEqual(["build", "unit", "lint-flake8", "deploy", "tagged"]);
  });

  it("turns stages into needs and runs before_script + script in one step", () => {
    expect(out.jobs.build.needs).toBeUndefined();
    expect(out.jobs.unit.needs).toEqual(["build"]);
    expect(out.jobs.deploy.needs).toEqual(["unit", "lint-flake8"]);
    expect(out.jobs.unit.steps).toEqual([
      { name: "script", run: "pip install -r requirements.txt\npytest --junitxml=report.xml\n" },
      { name: "after_script", run: "echo done\n", if: "always()" },
    ]);
  });

  it("merges extends and anchors, and maps artifacts, reports, cache, retry and allow_failure", () => {
    expect(out.jobs.unit).toMatchObject({ reports: { junit: ["report.xml"] }, retries: 2, "continue-on-error": true });
    expect(out.jobs["lint-flake8"].reports).toEqual({ junit: ["report.xml"] });
    expect(out.jobs.build).toMatchObject({
      artifacts: ["dist/**"],
      cache: { key: "{{ hashFiles('requirements.txt') }}", paths: [".cache/pip"] },
    });
  });

  it("folds rules, only and when: manual into one condition; tags do not map", () => {
    expect(out.jobs["lint-flake8"].if).toBe(
      "(event == 'pull_request') || (!(startsWith(branch, 'release/')) && (event != 'pull_request'))",
    );
    expect(out.jobs.deploy.if).toBe("(branch == 'main') && (event == 'manual')");
    expect(out.jobs.tagged.if).toBe("false");
    expect(codesAt(result)).toEqual(expect.arrayContaining(["31 import-job-name", "48 import-condition"]));
  });

  it("gives predefined variables their pitcrew values", () => {
    expect(out.env).toEqual({ PIP_CACHE_DIR: ".cache/pip", CI_COMMIT_SHA: "${{ commit }}" });
    expect(out.jobs.deploy.steps[0].run).toContain('./deploy.sh "$CI_COMMIT_SHA" "${PITCREW_WORKSPACE}/dist"');
  });
});

describe("importPipeline: bad input", () => {
  it.each([
    ["not YAML", "jobs: [", "yaml-syntax"],
    ["not a map", "- a\n- b\n", "import-error"],
    ["not a CI file", "name: x\nversion: 2\n", "import-error"],
    ["a pitcrew pipeline", "jobs:\n  a:\n    steps: [{ run: x }]\n", "import-error"],
  ])("%s: an error, no pipeline", (_, text, code) => {
    const result = importPipeline(text);
    expect(result.pipeline).toBeUndefined();
    expect(result.diagnostics.map((d) => d.code)).toContain(code);
  });

  it("refuses input over the size limit before parsing it", () => {
    const result = importPipeline(`a: "${"x".repeat(1024 * 1024)}"`);
    expect(result.diagnostics[0]).toMatchObject({ code: "import-error", message: expect.stringContaining("larger") });
  });
});
