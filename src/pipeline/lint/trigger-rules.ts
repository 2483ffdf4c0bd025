/**
 * Rules about `on:` and `gates:`: cron schedules parse, input defaults are among their options,
 * gates are in range, and a warning when secrets reach pull-request runs.
 */
import { Cron } from "croner";
import type { LintContext } from "./lint-context.js";

/** `invalid-cron`, `duplicate-cron-name`. */
export function checkCron(ctx: LintContext): void {
  const seen = new Set<string>();
  ctx.spec.on?.cron?.forEach((entry, i) => {
    const path = ["on", "cron", i];
    try {
      new Cron(entry.schedule, { paused: true }).stop();
    } catch (err) {
      const reason = err instanceof Error ? err.message.replace(/^CronPattern: /, "") : String(err);
      ctx.report("error", "invalid-cron", `invalid cron schedule '${entry.schedule}': ${reason}`, {
        path: [...path, "schedule"],
      });
    }
    if (seen.has(entry.name)) {
      ctx.report("error", "duplicate-cron-name", `another cron schedule is already named '${entry.name}'`, {
        path: [...path, "name"],
      });
    }
    seen.add(entry.name);
  });
}

/** `invalid-input-default`: a manual input's default must be one of its options. */
export function checkInputs(ctx: LintContext): void {
  for (const [name, input] of Object.entries(ctx.spec.on?.manual?.inputs ?? {})) {
    if (input.options === undefined || input.default === undefined || input.options.includes(input.default)) continue;
    const message = `default '${input.default}' of input '${name}' is not one of its options (${input.options.join(", ")})`;
    ctx.report("error", "invalid-input-default", message, { path: ["on", "manual", "inputs", name, "default"] });
  }
}

/** `secrets-on-pull-request` (warning): code from a pull request can read the secrets it is given. */
export function checkSecretsOnPullRequests(ctx: LintContext): void {
  if (ctx.spec.on?.pull_request === undefined) return;
  for (const [name, job] of ctx.jobs) {
    if (!job.secrets?.length || job.if?.includes("event")) continue;
    const message = `job '${name}' gets secrets on pull_request runs too, where the code being run comes from the pull request; guard it with if: event != 'pull_request' or split the pipeline`;
    ctx.report("warning", "secrets-on-pull-request", message, { path: ["jobs", name, "secrets"], key: true });
  }
}

const GATES = {
  tests_pass_rate: { min: 0, max: 1, hint: "a fraction between 0 and 1, e.g. 1.0 for all tests" },
  coverage_min: { min: 0, max: 100, hint: "a percentage between 0 and 100" },
  coverage_drop_max: { min: 0, max: 100, hint: "percentage points between 0 and 100" },
} as const;

/** `gate-out-of-range`. */
export function checkGates(ctx: LintContext): void {
  for (const [key, limits] of Object.entries(GATES)) {
    const value = ctx.spec.gates?.[key as keyof typeof GATES];
    if (value === undefined || (value >= limits.min && value <= limits.max)) continue;
    ctx.report("error", "gate-out-of-range", `gates.${key} is ${value}; expected ${limits.hint}`, {
      path: ["gates", key],
    });
  }
}
