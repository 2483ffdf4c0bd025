/**
 * The complete environment of a step, built from scratch: pitcrew's own `process.env` (database
 * URLs, tokens, its HOME) never reaches a step. Layers, later ones win:
 *
 *   base (PATH, LANG, CI, PITCREW, HOME/TMPDIR next to the workspace)
 *   < builtins (PITCREW_RUN_ID, PITCREW_COMMIT, PITCREW_INPUT_<NAME>, HOME, TMPDIR, …)
 *   < pipeline env < job env < step env
 *   < granted secrets
 */
import { dirname, join } from "node:path";
import { ValidationError } from "../common/errors.js";

const SYSTEM_PATH = ["/usr/local/bin", "/usr/bin", "/bin"];

/** The PATH every step starts with: the usual system dirs, preceded by the dir of the node running pitcrew. */
export const DEFAULT_PATH = [
  ...(SYSTEM_PATH.includes(dirname(process.execPath)) ? [] : [dirname(process.execPath)]),
  ...SYSTEM_PATH,
].join(":");

/** The layers a step's environment is made of. */
export interface StepEnvInput {
  pipelineEnv?: Record<string, string>;
  jobEnv?: Record<string, string>;
  stepEnv?: Record<string, string>;
  /** Secrets granted to the job, by variable name. */
  secrets?: Record<string, string>;
  /** Variables pitcrew defines: PITCREW_RUN_ID, PITCREW_JOB, PITCREW_WORKSPACE, HOME, TMPDIR, … */
  builtins: Record<string, string>;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Builds a step's full environment; throws ValidationError for a malformed name or value. */
export function buildStepEnv(input: StepEnvInput): Record<string, string> {
  const ws = input.builtins.PITCREW_WORKSPACE;
  const base: Record<string, string> = {
    PATH: DEFAULT_PATH,
    LANG: "C.UTF-8",
    CI: "true",
    PITCREW: "true",
    ...(ws ? { HOME: join(dirname(ws), "home"), TMPDIR: join(dirname(ws), "tmp") } : {}),
  };
  const env: Record<string, string> = {};
  for (const layer of [base, input.builtins, input.pipelineEnv, input.jobEnv, input.stepEnv, input.secrets]) {
    for (const [name, value] of Object.entries(layer ?? {})) {
      if (!NAME.test(name)) throw new ValidationError(`invalid environment variable name: ${JSON.stringify(name)}`);
      if (value.includes("\0")) throw new ValidationError(`environment variable ${name} contains a NUL byte`);
      env[name] = value;
    }
  }
  return env;
}
