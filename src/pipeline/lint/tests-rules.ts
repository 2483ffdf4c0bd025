/**
 * Rules about steps and their `tests:` blocks: a step runs a script unless pitcrew drives its test
 * framework, `framework: file` names its files and hands them to its script, and options that
 * would do nothing are pointed out.
 */
import { OPEN } from "../compile/interpolate.js";
import type { LintContext } from "./lint-context.js";

/** `missing-run`, `missing-test-files`, `tests-file-unused` (warning). */
export function checkTestSteps(ctx: LintContext): void {
  for (const [name, job] of ctx.jobs) {
    job.steps?.forEach((step, i) => {
      const path = ["jobs", name, "steps", i];
      const tests = step.tests;
      if (step.run === undefined && (tests === undefined || tests.framework === "file")) {
        const message = tests
          ? "a step with framework: file needs a 'run' script that reads the list of test files from ${{ tests.file }}"
          : "every step needs a 'run' script (a string), or a tests: block naming its framework";
        ctx.report("error", "missing-run", message, { path, key: true });
      }
      if (tests === undefined) return;
      const at = { path: [...path, "tests", "framework"] };
      if (tests.framework === "file") {
        if (tests.files === undefined || tests.files.length === 0) {
          const message = "framework: file needs 'files': globs of the test files to list in ${{ tests.file }}";
          ctx.report("error", "missing-test-files", message, at);
        }
        if (step.run !== undefined && !/\$\{\{\s*tests\.file\s*\}\}/.test(step.run)) {
          const message = `this step's run never reads ${OPEN} tests.file }}, so the selection and order are not used`;
          ctx.report("warning", "tests-file-unused", message, { path: [...path, "run"] });
        }
      }
    });
  }
}
