/**
 * The zod schema of `.pitcrew/pipeline.yaml`: the raw shape as users write it, short forms
 * included (`needs: lint`, `retries: 2`, `sandbox: true`). Objects are strict, so an unknown key
 * anywhere is reported at the key. Semantic checks (durations, cycles, globs) are lint rules.
 */
import * as z from "zod";
import { didYouMean } from "../../common/did-you-mean.js";

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()], {
  error: "expected a string, number or boolean",
});
const stringList = z.array(z.string(), { error: "expected a list of strings" });
const oneOrMany = z.union([z.string(), stringList], { error: "expected a string or a list of strings" });
const duration = z.union([z.string(), z.number()], {
  error: 'expected a duration such as "10m" or a number of seconds',
});
const envMap = z.record(z.string(), scalar, { error: "expected a map of NAME: value" });

const filter = z.strictObject({ branches: stringList.optional(), paths: stringList.optional() }).nullable().optional();

const input = z.strictObject({
  default: z.string().optional(),
  description: z.string().optional(),
  required: z.boolean().optional(),
  options: stringList.optional(),
});

const triggers = z.strictObject({
  push: filter,
  pull_request: filter,
  manual: z
    .strictObject({ inputs: z.record(z.string(), input).optional() })
    .nullable()
    .optional(),
  cron: z
    .array(z.strictObject({ name: z.string(), schedule: z.string(), branch: z.string().optional() }), {
      error: "expected a list of { name, schedule, branch }",
    })
    .optional(),
});

const matrixValue = z.union([z.string(), z.number(), z.boolean()], { error: "expected a string, number or boolean" });
const matrixRow = z.record(z.string(), matrixValue);
const matrix = z
  .object({
    include: z.array(matrixRow, { error: "expected a list of maps" }).optional(),
    exclude: z.array(matrixRow, { error: "expected a list of maps" }).optional(),
  })
  .catchall(z.array(matrixValue, { error: "expected a list of values" }));

/** A choice among fixed words, with "did you mean" for a near miss. */
function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, {
    error: (issue) =>
      `expected one of ${values.join(", ")}${typeof issue.input === "string" ? didYouMean(issue.input, values) : ""}`,
  });
}

/** The frameworks a `tests:` block can drive (the Plan's `TestFramework`). */
export const TEST_FRAMEWORKS = ["vitest", "jest", "node-test", "pytest", "file"] as const;

/** A step's `tests:` block: which test files run, in which order, how failures count (docs/pipeline.md). */
const tests = z.strictObject({
  framework: oneOf(TEST_FRAMEWORKS),
  select: oneOf(["all", "prioritize", "select"]).optional(),
  fail_fast: z.boolean().optional(),
  coverage: z.boolean().optional(),
  rerun_flaky: z.number().int().min(0).max(5, "rerun_flaky is at most 5").optional(),
  quarantine: z.boolean().optional(),
  files: oneOrMany.optional(),
});

const step = z.strictObject({
  name: z.string().optional(),
  /** Required, except on a step whose `tests:` block names a framework pitcrew drives (the `missing-run` rule). */
  run: z.string({ error: "a step's 'run' is a script (a string)" }).optional(),
  tests: tests.optional(),
  env: envMap.optional(),
  if: z.string().optional(),
  timeout: duration.optional(),
  "working-directory": z.string().optional(),
  "continue-on-error": z.boolean().optional(),
});

const retries = z.union(
  [
    z.number().int().min(0).max(10),
    z.strictObject({ count: z.number().int().min(0).max(10), backoff: duration.optional() }),
  ],
  { error: "expected a retry count (0–10) or { count, backoff }" },
);

const sandbox = z.union([z.boolean(), z.strictObject({ network: z.boolean().optional() })], {
  error: "expected true, false or { network }",
});

/** What a job asks of the agent that runs it (placement, agents/place-jobs.ts); memory is checked by lint. */
const resources = z.strictObject(
  {
    cpus: z
      .number({ error: "expected a number of cpus, such as 2 or 0.5" })
      .positive("cpus must be more than 0")
      .max(1024, "cpus must be at most 1024")
      .optional(),
    memory: z.string({ error: 'expected a memory size such as "512m" or "4g"' }).optional(),
  },
  { error: 'expected { cpus, memory }, e.g. { cpus: 2, memory: "4g" }' },
);

const job = z.strictObject({
  "runs-on": oneOrMany.optional(),
  resources: resources.optional(),
  needs: oneOrMany.optional(),
  if: z.string().optional(),
  matrix: matrix.optional(),
  env: envMap.optional(),
  secrets: stringList.optional(),
  timeout: duration.optional(),
  retries: retries.optional(),
  "continue-on-error": z.boolean().optional(),
  sandbox: sandbox.optional(),
  cache: z
    .strictObject({ key: z.string(), "restore-keys": stringList.optional(), paths: stringList.min(1) })
    .optional(),
  artifacts: stringList.optional(),
  reports: z.strictObject({ junit: oneOrMany.optional(), coverage: oneOrMany.optional() }).optional(),
  steps: z.array(step, { error: "expected a list of steps" }).nullable().optional(),
});

const gates = z.strictObject({
  tests_pass_rate: z.number().optional(),
  coverage_min: z.number().optional(),
  coverage_drop_max: z.number().optional(),
});

/** `deploy:` entries: after a successful run on a matching branch, deploy it to `environment`. */
const deploy = z.array(
  z.strictObject({
    environment: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, "an environment name (lowercase letters, digits, -)"),
    branches: stringList.optional(),
  }),
  { error: "expected a list of {environment, branches}" },
);

/** Schema of a whole pipeline file. */
export const pipelineSchema = z.strictObject({
  name: z.string().optional(),
  on: triggers.optional(),
  env: envMap.optional(),
  gates: gates.optional(),
  deploy: deploy.optional(),
  jobs: z.record(z.string(), job.nullable(), { error: "expected a map of job name → job" }),
});

/** A pipeline file as written (validated, short forms not yet normalised). */
export type PipelineSpec = z.output<typeof pipelineSchema>;
/** One job as written (null when the YAML has `name:` with nothing under it). */
export type JobSpec = NonNullable<PipelineSpec["jobs"][string]>;
/** One step as written. */
export type StepSpec = z.output<typeof step>;
/** A step's `tests:` block as written. */
export type TestsSpec = z.output<typeof tests>;
/** A matrix value (stringified when expanded). */
export type MatrixValue = string | number | boolean;
/** One `include` / `exclude` row of a matrix. */
export type MatrixRow = Record<string, MatrixValue>;
/** A job's matrix as written: axes (lists of values) plus optional `include` / `exclude` rows. */
export type MatrixSpec = {
  [axis: string]: MatrixValue[] | MatrixRow[] | undefined;
  include?: MatrixRow[];
  exclude?: MatrixRow[];
};
/** The `on:` section as written. */
export type TriggersSpec = z.output<typeof triggers>;
/** A scalar as it may appear in `env` maps and matrices. */
export type Scalar = z.output<typeof scalar>;
