import { posix } from "node:path";
import { parse as parseYaml } from "yaml";
import { git } from "../../../runner/index.js";
import { gitTimeLeft } from "../deadline.js";
import { type ConfigChangeVerdict, judgeConfigChange, runnerTextOf } from "./config-change.js";

/** Largest configuration file read from git to judge a change part by part (a larger one runs everything). */
export const MAX_CONFIG_BYTES = 1024 * 1024;
/** Most pipeline files read for the tools the tests run. */
const MAX_PIPELINE_FILES = 50;
/** The files beside a changed one whose test-runner parts can name a tool. */
const RUNNER_FILES = ["pytest.ini", "tox.ini", "setup.cfg", "pyproject.toml", "package.json"];

/**
 * Judges one changed configuration file (`judgeConfigChange`) from git: both versions, the
 * test-runner parts of the configuration files beside it and the pipeline (`.pitcrew/`) at
 * `head`. A version that is absent, binary or over {@link MAX_CONFIG_BYTES} counts as absent
 * (not inert). git is killed at `deadline` (epoch ms).
 */
export async function readConfigChange(
  repo: string,
  base: string,
  head: string,
  path: string,
  userParts: readonly string[] | undefined,
  deadline: number | undefined,
): Promise<ConfigChangeVerdict> {
  const [before, after] = await Promise.all([blob(repo, base, path, deadline), blob(repo, head, path, deadline)]);
  const dir = posix.dirname(path);
  const siblings = new Map<string, string>();
  for (const name of RUNNER_FILES) {
    const p = dir === "." ? name : `${dir}/${name}`;
    if (p === path) continue;
    const text = await blob(repo, head, p, deadline);
    if (text !== undefined) siblings.set(p, text);
  }
  const listed = await git(["ls-tree", "-r", "-z", "--name-only", head, "--", ".pitcrew/"], {
    cwd: repo,
    maxBytes: MAX_CONFIG_BYTES,
    ...gitTimeLeft(deadline),
  }).catch(() => "");
  const pipeline: string[] = [];
  for (const p of listed.split("\0").filter(Boolean).slice(0, MAX_PIPELINE_FILES)) {
    pipeline.push(pipelineScripts((await blob(repo, head, p, deadline)) ?? ""));
  }
  return judgeConfigChange({ path, before, after, userParts, runnerText: runnerTextOf(siblings, pipeline) });
}

/**
 * The scripts a pipeline file runs (every `run:` string), where a tool the tests run would be
 * named; the whole text when it is not YAML (a script of the pipeline's folder, or a file that
 * does not parse).
 */
function pipelineScripts(text: string): string {
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: 100 });
  } catch {
    return text;
  }
  if (doc === null || typeof doc !== "object") return text;
  const scripts: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        if (k === "run" && typeof x === "string") scripts.push(x);
        else walk(x);
      }
    }
  };
  walk(doc);
  return scripts.join("\n");
}

/** The file's text at `rev`, or undefined when it is absent there, not text, or too large. */
async function blob(
  repo: string,
  rev: string,
  path: string,
  deadline: number | undefined,
): Promise<string | undefined> {
  try {
    const text = await git(["cat-file", "blob", `${rev}:${path}`], {
      cwd: repo,
      maxBytes: MAX_CONFIG_BYTES,
      ...gitTimeLeft(deadline),
    });
    return text.includes("\0") ? undefined : text;
  } catch (err) {
    if ((err as Error).name === "SelectionDeadlineError") throw err;
    return undefined;
  }
}
