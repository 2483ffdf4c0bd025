// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are shell and pipeline text with ${ } references
/**
 * GitHub Actions `${{ }}` expressions → pitcrew: in scripts, context values become the variables
 * pitcrew sets for every step (never text pasted into the shell, which is how workflows get
 * injected); in `if:`, GitHub's contexts become pitcrew's `branch`, `event`, `matrix`, … and
 * the result must parse as a pitcrew expression, or it does not map.
 */
import { parseExpression } from "../expr/parse.js";

/** GitHub context values in scripts → the pitcrew step variable holding the same value. */
const RUN_CONTEXT: Record<string, string> = {
  "github.sha": "${PITCREW_COMMIT}",
  "github.ref_name": "${PITCREW_BRANCH}",
  "github.head_ref": "${PITCREW_BRANCH}",
  "github.event_name": "${PITCREW_EVENT}",
  "github.run_id": "${PITCREW_RUN_ID}",
  "github.run_number": "${PITCREW_RUN_NUMBER}",
  "github.workspace": "${PITCREW_WORKSPACE}",
  "github.job": "${PITCREW_JOB}",
  "runner.os": "Linux",
  "runner.temp": "${TMPDIR}",
};

/** GitHub's default environment variables → pitcrew's. */
const RUN_VARIABLES: Record<string, string> = {
  GITHUB_SHA: "PITCREW_COMMIT",
  GITHUB_REF_NAME: "PITCREW_BRANCH",
  GITHUB_HEAD_REF: "PITCREW_BRANCH",
  GITHUB_EVENT_NAME: "PITCREW_EVENT",
  GITHUB_RUN_ID: "PITCREW_RUN_ID",
  GITHUB_RUN_NUMBER: "PITCREW_RUN_NUMBER",
  GITHUB_WORKSPACE: "PITCREW_WORKSPACE",
  GITHUB_JOB: "PITCREW_JOB",
  RUNNER_TEMP: "TMPDIR",
};

/** Files GitHub gives a step to pass values on; pitcrew has no equivalent. */
export const GITHUB_STEP_FILES = ["GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_STEP_SUMMARY", "GITHUB_PATH", "GITHUB_STATE"];

/** A script with its expressions replaced, the secrets it reads, and what did not map. */
export interface TranslatedScript {
  text: string;
  secrets: string[];
  unsupported: string[];
}

const EXPRESSION = /\$\{\{\s*([\s\S]*?)\s*\}\}/g;

/**
 * Rewrites the `${{ }}` expressions of a `run:` script (or an env value): matrix values stay
 * pitcrew interpolations, secrets, env and inputs become `${NAME}`, known contexts become
 * pitcrew's variables; anything else is returned in `unsupported`.
 */
export function translateScript(text: string): TranslatedScript {
  const secrets: string[] = [];
  const unsupported: string[] = [];
  const out = text.replace(EXPRESSION, (whole, expr: string) => {
    const ref = expr.trim();
    const matrix = /^matrix\.([A-Za-z_][\w-]*)$/.exec(ref);
    if (matrix) return `\${{ matrix.${matrix[1]} }}`;
    const secret = /^secrets\.([A-Za-z_]\w*)$/.exec(ref);
    if (secret) {
      secrets.push(secret[1]!);
      return `\${${secret[1]}}`;
    }
    const env = /^env\.([A-Za-z_]\w*)$/.exec(ref);
    if (env) return `\${${env[1]}}`;
    const input = /^(?:github\.event\.)?inputs\.([A-Za-z_]\w*)$/.exec(ref);
    if (input) return `\${PITCREW_INPUT_${input[1]!.toUpperCase()}}`;
    const context = RUN_CONTEXT[ref];
    if (context) return context;
    unsupported.push(whole);
    return whole;
  });
  const renamed = out.replace(/\$(\{?)([A-Z_]+)\b/g, (whole, brace: string, name: string) => {
    const to = RUN_VARIABLES[name];
    return to ? `$${brace}${to}` : whole;
  });
  return { text: renamed, secrets: [...new Set(secrets)], unsupported };
}

/** GitHub event names → pitcrew's. */
const EVENTS: Record<string, string> = {
  workflow_dispatch: "manual",
  schedule: "cron",
  pull_request_target: "pull_request",
};

/**
 * A GitHub `if:` as a pitcrew condition, or undefined when it uses something pitcrew has no
 * equivalent for (step outputs, the event payload, tags, functions such as `format`).
 *
 * @example translateCondition("github.ref == 'refs/heads/main'") // "branch == 'main'"
 */
export function translateCondition(source: string | boolean): string | undefined {
  if (typeof source === "boolean") return String(source);
  let expr = source.trim();
  const wrapped = /^\$\{\{([\s\S]*)\}\}$/.exec(expr);
  if (wrapped) expr = wrapped[1]!.trim();
  expr = expr
    .replace(/github\.ref\s*(==|!=)\s*'refs\/heads\/([^']*)'/g, "branch $1 '$2'")
    .replace(/'refs\/heads\/([^']*)'\s*(==|!=)\s*github\.ref\b/g, "'$1' $2 branch")
    .replace(/(startsWith\(\s*)github\.ref\s*,\s*'refs\/heads\/([^']*)'/g, "$1branch, '$2'")
    .replace(
      /(github\.event_name\s*(?:==|!=)\s*)'(\w+)'/g,
      (_, lhs: string, name: string) => `${lhs}'${EVENTS[name] ?? name}'`,
    )
    .replace(
      /'(\w+)'(\s*(?:==|!=)\s*github\.event_name)/g,
      (_, name: string, rhs: string) => `'${EVENTS[name] ?? name}'${rhs}`,
    );
  const mapped = replaceOutsideStrings(expr, (code) =>
    code
      .replace(/\bgithub\.(ref_name|head_ref)\b/g, "branch")
      .replace(/\bgithub\.base_ref\b/g, "base_branch")
      .replace(/\bgithub\.sha\b/g, "commit")
      .replace(/\bgithub\.event_name\b/g, "event")
      .replace(/\bgithub\.event\.inputs\./g, "inputs.")
      .replace(/\bneeds\.([\w-]+)\.result\b/g, "needs.$1.status")
      .replace(/\brunner\.os\b/g, "'Linux'"),
  );
  return parseExpression(mapped).error ? undefined : mapped;
}

/** Applies `f` to the parts of an expression outside single-quoted strings. */
function replaceOutsideStrings(expr: string, f: (code: string) => string): string {
  return expr
    .split(/('(?:[^']|'')*')/)
    .map((part, i) => (i % 2 === 1 ? part : f(part)))
    .join("");
}
