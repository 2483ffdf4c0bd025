/**
 * GitLab's `rules:`, `only:`/`except:` and `when: manual` → one pitcrew `if:` condition. Rules
 * are tried in order and the first that matches decides, so they fold right to left into
 * `(c1) || (rest)` for a rule that adds the job and `!(c1) && (rest)` for `when: never`.
 * `$CI_COMMIT_BRANCH`, `$CI_COMMIT_REF_NAME` and `$CI_PIPELINE_SOURCE` map; tags, changes and
 * other variables do not.
 */
import { isPlainObject } from "../../common/plain-object.js";
import { parseExpression } from "../expr/parse.js";

/** GitLab pipeline sources → pitcrew events. */
const SOURCES: Record<string, string> = {
  push: "push",
  merge_request_event: "pull_request",
  schedule: "cron",
  web: "manual",
  api: "manual",
  trigger: "manual",
};

/** A condition, `true` (always), or the reason it does not map. */
export type Condition = { expr: string } | { always: true } | { unsupported: string };

/** The condition of a GitLab job from its `rules`, `only`/`except` and `when`. */
export function convertGitLabConditions(job: Record<string, unknown>): Condition {
  const parts: string[] = [];
  if (Array.isArray(job.rules)) {
    const rules = convertRules(job.rules);
    if ("unsupported" in rules) return rules;
    if ("expr" in rules) parts.push(rules.expr);
  }
  for (const [key, negate] of [
    ["only", false],
    ["except", true],
  ] as const) {
    if (job[key] === undefined) continue;
    const refs = convertRefs(job[key]);
    if ("unsupported" in refs) return refs;
    if ("expr" in refs) parts.push(negate ? `!(${refs.expr})` : refs.expr);
  }
  if (job.when === "manual") parts.push("event == 'manual'");
  if (parts.length === 0) return { always: true };
  const expr = parts.length === 1 ? parts[0]! : parts.map((p) => `(${p})`).join(" && ");
  return parseExpression(expr).error ? { unsupported: expr } : { expr };
}

function convertRules(rules: unknown[]): Condition {
  let folded = "false";
  for (const rule of [...rules].reverse()) {
    if (!isPlainObject(rule)) return { unsupported: "a rule that is not a map" };
    const when = rule.when === undefined ? "on_success" : String(rule.when);
    const condition = rule.if === undefined ? "true" : translateVariables(String(rule.if));
    if (condition === undefined) return { unsupported: `rules: if: ${String(rule.if)}` };
    if (when === "never") folded = condition === "true" ? "false" : `!(${condition}) && (${folded})`;
    else {
      const runs = when === "manual" ? `(${condition}) && event == 'manual'` : condition;
      folded = runs === "true" ? "true" : folded === "false" ? runs : `(${runs}) || (${folded})`;
    }
  }
  return folded === "true" ? { always: true } : { expr: folded };
}

/** `only:`/`except:` lists (or `{ refs: [...] }`) of branch names, /regexes/ and keywords. */
function convertRefs(value: unknown): Condition {
  const refs = Array.isArray(value)
    ? value
    : isPlainObject(value) && Array.isArray(value.refs)
      ? value.refs
      : undefined;
  if (!refs) return { unsupported: "only/except with variables or changes" };
  const alternatives: string[] = [];
  for (const ref of refs.map(String)) {
    if (ref === "branches" || ref === "pushes") alternatives.push("event == 'push'");
    else if (ref === "merge_requests") alternatives.push("event == 'pull_request'");
    else if (ref === "schedules") alternatives.push("event == 'cron'");
    else if (ref === "web" || ref === "api" || ref === "triggers") alternatives.push("event == 'manual'");
    else if (ref === "tags") return { unsupported: "only/except: tags (pitcrew runs no pipeline for tags)" };
    else if (ref.startsWith("/") && ref.lastIndexOf("/") > 0) {
      const test = regexTest("branch", ref.slice(1, ref.lastIndexOf("/")));
      if (test === undefined) return { unsupported: `only/except: ${ref}` };
      alternatives.push(test);
    } else alternatives.push(`branch == ${quote(ref)}`);
  }
  return alternatives.length ? { expr: alternatives.join(" || ") } : { always: true };
}

/** A GitLab rule expression in pitcrew's language, or undefined when a variable does not map. */
function translateVariables(source: string): string | undefined {
  // Set in branch pipelines only (not for merge requests or tags).
  if (/^\s*\$CI_COMMIT_BRANCH\s*$/.test(source)) return "event != 'pull_request'";
  let ok = true;
  const out = source
    .replace(/"((?:[^"\\]|\\.)*)"/g, (_, s: string) => quote(s))
    .replace(
      /(\$CI_PIPELINE_SOURCE\s*(?:==|!=)\s*)'(\w+)'/g,
      (_, lhs: string, s: string) => `${lhs}'${SOURCES[s] ?? s}'`,
    )
    .replace(/(\$\w+)\s*(=~|!~)\s*\/((?:[^/\\]|\\.)*)\/\w*/g, (_, v: string, op: string, re: string) => {
      const test = regexTest(v, re);
      if (test === undefined) ok = false;
      return op === "!~" ? `!${test}` : (test ?? "");
    })
    .replace(/\$\{?(\w+)\}?/g, (_, name: string) => {
      const mapped = {
        CI_COMMIT_BRANCH: "branch",
        CI_COMMIT_REF_NAME: "branch",
        CI_PIPELINE_SOURCE: "event",
        CI_MERGE_REQUEST_TARGET_BRANCH_NAME: "base_branch",
        CI_DEFAULT_BRANCH: "'main'",
      }[name];
      if (!mapped) ok = false;
      return mapped ?? name;
    });
  return ok && !parseExpression(out).error ? out : undefined;
}

/**
 * A regex that is a literal anchored at one or both ends, as a string test of `subject`
 * (`/^release\//` → `startsWith(branch, 'release/')`); undefined for any other regex.
 */
function regexTest(subject: string, re: string): string | undefined {
  const match = /^(\^?)((?:[^\\^$.*+?()[\]{}|]|\\[/.\-_])*)(\.\*)?(\$?)$/.exec(re);
  if (!match) return undefined;
  const [, start, body, anyTail, end] = match;
  const literal = quote(body!.replace(/\\(.)/g, "$1"));
  if (start && end && !anyTail) return `(${subject} == ${literal})`;
  if (start && !end) return `startsWith(${subject}, ${literal})`;
  if (!start && end && !anyTail) return `endsWith(${subject}, ${literal})`;
  return undefined;
}

function quote(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}
