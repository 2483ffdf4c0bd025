import { posix } from "node:path";
import {
  type ConfigEntry,
  type ConfigFormat,
  ConfigParseError,
  changedPaths,
  type EntryMap,
} from "./config-entries.js";
import { iniEntries } from "./ini-entries.js";
import { INERT_PARTS, inPart, userInertPart } from "./inert-sections.js";
import { jsonEntries } from "./json-entries.js";
import { tomlEntries } from "./toml-entries.js";

/** The configuration files judged part by part, by base name. */
const FORMATS: Readonly<Record<string, ConfigFormat>> = {
  "pyproject.toml": "toml",
  "setup.cfg": "ini",
  "tox.ini": "ini",
  "package.json": "json",
};

/** The format a configuration file is judged in, part by part; undefined: any change to it runs everything. */
export function configFormat(path: string): ConfigFormat | undefined {
  return FORMATS[posix.basename(path)];
}

/** What a change to one configuration file means for the tests. */
export type ConfigChangeVerdict =
  /** Only inert parts changed: `parts` names them (`tool.black`, `[flake8]`), for the decisions' explanations. */
  | { inert: true; parts: string[] }
  /** A part that can change how tests run changed, or the file could not be judged: `why` says which. */
  | { inert: false; why: string };

/** One changed configuration file, both versions, and what else tells whether a tool runs in the tests. */
export interface ConfigChange {
  path: string;
  /** Text before the change; undefined when the file is new (or could not be read). */
  before?: string;
  /** Text after the change; undefined when the file was deleted (or could not be read). */
  after?: string;
  /** Inert parts the pipeline adds (`tests: { inert_config: [...] }`): TOML paths, INI sections, JSON keys. */
  userParts?: readonly string[];
  /** Test-runner configuration found elsewhere (sibling files, the pipeline): a tool it names is part of the tests. */
  runnerText?: string;
}

const PYTHON_FACTOR = /^((py|pypy|python|jython)\d*(\.\d+)?|\d+(\.\d+)+)$/;
const MAX_LISTED = 5;

/**
 * Judges a change to pyproject.toml, setup.cfg, tox.ini or package.json part by part: inert
 * when every added, removed or changed key lies in an inert part of its format (documented in
 * `inert-sections.ts`, plus the pipeline's own), a tool's part counting only while no
 * test-runner configuration names the tool, and a tox environment counting when it is not a
 * Python test environment (see `inertToxEnv`). A file added or deleted, that fails to parse, or
 * any other changed part: not inert, with why.
 */
export function judgeConfigChange(change: ConfigChange): ConfigChangeVerdict {
  const { path } = change;
  const format = configFormat(path);
  if (format === undefined) return { inert: false, why: `${path} is not judged part by part` };
  if (change.before === undefined || change.after === undefined) {
    return { inert: false, why: `${path} was ${change.before === undefined ? "added" : "deleted"}` };
  }
  let before: EntryMap;
  let after: EntryMap;
  try {
    before = parse(format, change.before);
    after = parse(format, change.after);
  } catch (err) {
    if (!(err instanceof ConfigParseError)) throw err;
    return { inert: false, why: `${path} could not be read part by part (${err.message})` };
  }
  const parts = [...INERT_PARTS[format], ...(change.userParts ?? []).map((n) => userInertPart(format, n))];
  const isTox = posix.basename(path) === "tox.ini";
  const toxEnvInert = (p: ConfigEntry["path"]) => isTox && inertToxEnv(p[0] ?? "", before, after);
  const runner = [
    change.runnerText ?? "",
    runnerText(format, before, toxEnvInert),
    runnerText(format, after, toxEnvInert),
  ].join("\n");
  const changed = changedPaths(before.entries, after.entries);
  const named = new Set<string>();
  for (const p of changed) {
    const part = parts.find((q) => inPart(format, p, q));
    if (part === undefined && !toxEnvInert(p)) {
      return { inert: false, why: `${path} changed in ${label(format, p)}, which can change how tests run` };
    }
    if (part?.tool !== undefined && namesTool(runner, part.tool)) {
      return {
        inert: false,
        why: `${path} changed in ${label(format, p)}, the settings of ${part.tool}, which the test configuration runs`,
      };
    }
    const value = after.entries.get(p.join("\0"))?.value;
    if (value !== undefined && !acceptedValue(posix.basename(path), p, value)) {
      return {
        inert: false,
        why: `${path} changed ${label(format, p)} to a value its readers may refuse (setuptools, the build backend)`,
      };
    }
    named.add(part ? label(format, part.path) : label(format, p.slice(0, 1)));
  }
  const list = [...named];
  return {
    inert: true,
    parts:
      list.length === 0
        ? ["comments or layout only"]
        : [...list.slice(0, MAX_LISTED), ...(list.length > MAX_LISTED ? [`${list.length - MAX_LISTED} more`] : [])],
  };
}

/** TOML and INI string literals, blanked to `S` to check a value's shape. */
const STRINGS = /"""[\s\S]*?"""|'''[\s\S]*?'''|"(?:[^"\\\n]|\\.)*"|'[^'\n]*'/g;
const PERSON = "\\{(name|email)=S(,(name|email)=S)?\\}";
/** The shapes PEP 621 gives the inert `[project]` keys: a build backend refuses any other (and then nothing installs). */
const PROJECT_SHAPES: Readonly<Record<string, RegExp>> = {
  description: /^S$/,
  keywords: /^\[(S(,S)*,?)?\]$/,
  authors: new RegExp(`^\\[(${PERSON}(,${PERSON})*,?)?\\]$`),
  maintainers: new RegExp(`^\\[(${PERSON}(,${PERSON})*,?)?\\]$`),
  urls: /^\{(([A-Za-z0-9_-]+|S)=S(,([A-Za-z0-9_-]+|S)=S)*)?\}$/,
};

/**
 * Whether the new value of an inert key is still one its readers accept, so that the change cannot
 * break installing the package: setuptools reads every section of setup.cfg with `%` interpolation
 * (a lone `%` fails it), and the build backend checks `[project]`'s types (a one-line string
 * description, a list of string keywords, authors as `{name, email}` tables, urls as strings).
 */
function acceptedValue(file: string, path: readonly string[], value: string): boolean {
  if (file === "setup.cfg") return !value.replace(/%%|%\([^)\n]*\)s/g, "").includes("%");
  if (file !== "pyproject.toml" || path[0] !== "project" || value === "\0table") return true;
  const shape = value
    .replace(STRINGS, "S")
    .replace(/#[^\n]*/g, "")
    .replace(/\s+/g, "");
  const [, key, sub, field] = path;
  if (key === "description" && /^("""|'''')/.test(value)) return false;
  if (sub === undefined) return PROJECT_SHAPES[key!]?.test(shape) ?? true;
  // [project.urls] Name = "…", [[project.authors]] name = "…"
  if (key === "urls") return shape === "S";
  if (key === "authors" || key === "maintainers") return (field === "name" || field === "email") && shape === "S";
  return false;
}

function parse(format: ConfigFormat, text: string): EntryMap {
  return format === "toml" ? tomlEntries(text) : format === "ini" ? iniEntries(text) : jsonEntries(text);
}

/**
 * Whether tox.ini's `[testenv:NAME]` runs no test: NAME has no Python-interpreter factor
 * (`py312`, `pypy3`, `3.12`: those run the suite), no key of it mentions a test (`pytest`,
 * `tests.txt`, `unittest`: anything with "test") in either version, and no other section refers to
 * it (`{[testenv:NAME]deps}`, tox 4's `base`). So `[testenv:docs]`, `[testenv:typing]` and
 * `[testenv:style]` are inert; `[testenv:py312]`, `[testenv]` and `[testenv:unit]` running pytest are not.
 */
function inertToxEnv(section: string, before: EntryMap, after: EntryMap): boolean {
  const m = /^testenv:([A-Za-z0-9_.-]+)$/.exec(section);
  if (!m || m[1]!.split("-").some((f) => PYTHON_FACTOR.test(f))) return false;
  for (const doc of [before, after]) {
    for (const e of doc.entries.values()) {
      if (e.path[0] === section ? /test/i.test(e.path.slice(1).join(" ") + e.value) : e.value.includes(section)) {
        return false;
      }
    }
  }
  return true;
}

/** The text of the parts that configure the test run in one version: pytest's sections, tox's test environments, package.json's scripts and test runners. */
function runnerText(format: ConfigFormat, doc: EntryMap, toxEnvInert: (p: ConfigEntry["path"]) => boolean): string {
  const out: string[] = [];
  for (const e of doc.entries.values()) {
    const [a = "", b = ""] = e.path;
    const runs =
      format === "toml"
        ? a === "tool" && (b.startsWith("pytest") || b === "tox")
        : format === "ini"
          ? a === "pytest" || a === "tool:pytest" || a === "tox" || (a.startsWith("testenv") && !toxEnvInert(e.path))
          : ["scripts", "jest", "mocha", "ava", "vitest", "c8", "nyc"].includes(a);
    if (runs) out.push(e.path.join(" "), e.value);
  }
  return out.join("\n");
}

/** Whether `text` names `tool` as a word (`--mypy`, `mypy src`, `eslint .`), not inside another name. */
export function namesTool(text: string, tool: string): boolean {
  const escaped = tool.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(^|[^A-Za-z0-9_])${escaped}($|[^A-Za-z0-9_])`, "i").test(text);
}

/** `tool.black.line-length`, `[flake8] ignore`, `"description"`: how a user finds the part in the file. */
function label(format: ConfigFormat, path: readonly string[]): string {
  if (format === "ini") return path.length > 1 ? `[${path[0]}] ${path.slice(1).join(".")}` : `[${path[0]}]`;
  if (format === "json") return `"${path.join(".")}"`;
  return path.join(".");
}

/**
 * The test-runner configuration of a checkout a changed file's tools are looked for in: the
 * pytest, tox and script parts of the other configuration files beside it (a file that does not
 * parse counts whole), and the pipeline's files whole.
 */
export function runnerTextOf(siblings: ReadonlyMap<string, string>, pipeline: readonly string[]): string {
  const out = [...pipeline];
  for (const [path, text] of siblings) {
    const format = configFormat(path);
    if (format === undefined) {
      out.push(text); // pytest.ini: all of it is pytest's
      continue;
    }
    try {
      const doc = parse(format, text);
      const isTox = posix.basename(path) === "tox.ini";
      out.push(runnerText(format, doc, (p) => isTox && inertToxEnv(p[0] ?? "", doc, doc)));
    } catch {
      out.push(text);
    }
  }
  return out.join("\n");
}
