/**
 * The dependency map of a `tests:` step as the agent protocol carries it (protocol.ts,
 * `dependenciesBody`): built on the agent from the map it reduced out of its V8 coverage
 * (`toWireMap`), and read back on the server (`fromWireMap`), which trusts none of it: every path
 * must be a plain relative repository path and every test file one the step's `files:` patterns
 * match, or the whole map is refused.
 */
import picomatch from "picomatch";
import { ValidationError } from "../common/errors.js";
import {
  DEPENDENCIES_BODY_LIMIT,
  type DependenciesBody,
  MAX_MAP_FILES,
  MAX_MAP_LINKS,
  MAX_TEST_PATH,
} from "./protocol.js";

/** Why `path` is not a plain relative repository path (`/`-separated, inside the repository), or undefined when it is. */
export function repoPathProblem(path: string): string | undefined {
  if (/^([\\/]|[A-Za-z]:)/.test(path)) return "is absolute";
  if (path.includes("\\")) return "contains a backslash";
  const parts = path.split("/");
  if (parts.includes("..")) return "contains a '..' segment";
  if (parts.some((p) => p === "" || p === ".")) return "contains an empty or '.' segment";
  return undefined;
}

/**
 * Whether repository path `path` is one of the files a step's `files:` patterns name (the rules of
 * reports' matchWorkspaceFiles, without the file system: a literal pattern also names everything
 * below it, as it does when it is a directory; `!` patterns exclude).
 */
export function stepFileMatcher(patterns: readonly string[]): (path: string) => boolean {
  const clean = patterns.map((p) => p.replace(/^(!?)(\.\/)+/, "$1"));
  const positives = clean.filter((p) => !p.startsWith("!"));
  const exclusions = clean.filter((p) => p.startsWith("!")).map((p) => p.slice(1));
  const globs = positives.filter((p) => picomatch.scan(p).isGlob);
  const literals = positives.filter((p) => !picomatch.scan(p).isGlob).map((p) => p.replace(/\/+$/, ""));
  const glob = globs.length > 0 ? picomatch(globs, { dot: true }) : () => false;
  const excluded = exclusions.length > 0 ? picomatch(exclusions, { dot: true }) : () => false;
  return (path) => !excluded(path) && (glob(path) || literals.some((l) => path === l || path.startsWith(`${l}/`)));
}

/**
 * The map (test file → repository files it executed) as a `dependencies` body, or why it cannot be
 * sent. A test file with an unusable path among its own or its files' is left out (it then has no
 * map and always runs, never a cut map); a map past the protocol's bounds is not sent at all.
 */
export function toWireMap(
  agentId: number,
  step: number,
  deps: ReadonlyMap<string, ReadonlySet<string>>,
): { body: DependenciesBody; left: string[] } | { refused: string } {
  const usable = (p: string) => p.length <= MAX_TEST_PATH && repoPathProblem(p) === undefined;
  const index = new Map<string, number>();
  const tests: DependenciesBody["tests"] = [];
  const left: string[] = [];
  let links = 0;
  for (const [file, executed] of [...deps].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!usable(file) || ![...executed].every(usable)) {
      left.push(file);
      continue;
    }
    const ids = [...executed].sort().map((f) => index.get(f) ?? index.set(f, index.size).get(f)!);
    links += ids.length;
    tests.push({ file, deps: ids });
  }
  if (tests.length === 0) return { refused: "no test file with usable paths" };
  if (index.size > MAX_MAP_FILES) return { refused: `${index.size} files, over the limit of ${MAX_MAP_FILES}` };
  if (links > MAX_MAP_LINKS) return { refused: `${links} links, over the limit of ${MAX_MAP_LINKS}` };
  const body = { agentId, step, files: [...index.keys()], tests };
  const bytes = Buffer.byteLength(JSON.stringify(body));
  if (bytes > DEPENDENCIES_BODY_LIMIT)
    return { refused: `${bytes} bytes, over the limit of ${DEPENDENCIES_BODY_LIMIT}` };
  return { body, left };
}

/**
 * The map a `dependencies` body carries (already checked against its schema), test file → files;
 * a ValidationError naming the first path that is not a relative repository path, a test file
 * the step's patterns (`isStepFile`) do not name, or a test file sent twice.
 */
export function fromWireMap(body: DependenciesBody, isStepFile: (path: string) => boolean): Map<string, string[]> {
  const bad = (what: string, p: string, why: string) =>
    new ValidationError(`dependency map refused: ${what} '${p.slice(0, 200)}' ${why}`);
  for (const f of body.files) {
    const why = repoPathProblem(f);
    if (why) throw bad("file", f, why);
  }
  const map = new Map<string, string[]>();
  for (const t of body.tests) {
    const why = repoPathProblem(t.file);
    if (why) throw bad("test file", t.file, why);
    if (!isStepFile(t.file)) throw bad("test file", t.file, "is not one of the step's test files");
    if (map.has(t.file)) throw bad("test file", t.file, "is sent twice");
    map.set(
      t.file,
      [...new Set(t.deps.map((i) => body.files[i]!))].filter((f) => f !== t.file),
    );
  }
  return map;
}
