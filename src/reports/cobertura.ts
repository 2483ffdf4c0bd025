import { posix } from "node:path";
import { ValidationError } from "../common/errors.js";
import { type CoverageOptions, type FileCoverage, workspacePrefixes } from "./file-coverage.js";
import { describeReport, readReportText } from "./report-input.js";
import { isAbsolutePath, stripPrefix, toRepoPath } from "./repo-path.js";
import { attr, children, parseSafeXml, rootElement, text, type XmlNode } from "./safe-xml.js";

const EXPECTED = "Cobertura XML (a <coverage> root element)";

/** Per-file data; classes sharing a file (e.g. Java inner classes) are merged line by line. */
interface Acc {
  lines: Map<number, number>;
  /** Per branching line: [covered, total] conditions. */
  branches: Map<number, [number, number]>;
  methods: Map<string, boolean>;
}

/**
 * Parses a Cobertura XML report (coverage.py, Cobertura, many converters). Class file names are
 * resolved against the `<sources>` entries and made repository-relative; lines come from each
 * class's `<lines>`, branches from `condition-coverage="50% (1/2)"`, functions from `<methods>`.
 */
export function parseCobertura(input: string | Buffer, opts: CoverageOptions = {}): FileCoverage[] {
  const what = describeReport("Cobertura report", opts.file);
  const xml = readReportText(input, what, EXPECTED, opts.maxBytes);
  const doc = parseSafeXml(xml, what, EXPECTED, { arrays: ["source", "package", "class", "method", "line"] });
  const root = rootElement(doc);
  if (root?.tag !== "coverage") {
    throw new ValidationError(`${what} has ${root ? `a <${root.tag}>` : "no"} root element, expected ${EXPECTED}`);
  }
  const sources = children(first(root.node, "sources"), "source")
    .map((s) => text(s).trim())
    .filter((s) => s !== "");
  const prefixes = workspacePrefixes(opts);
  const files = new Map<string, Acc>();
  for (const pkg of children(first(root.node, "packages"), "package")) {
    for (const cls of children(first(pkg, "classes"), "class")) {
      const filename = attr(cls, "filename");
      if (!filename)
        throw new ValidationError(`${what}: class '${attr(cls, "name") ?? "?"}' has no filename attribute`);
      const file = resolveFile(filename, sources, prefixes);
      const acc = files.get(file) ?? { lines: new Map(), branches: new Map(), methods: new Map() };
      files.set(file, acc);
      readClass(cls, acc, what);
    }
  }
  return [...files].map(([file, acc]) => finish(file, acc));
}

function first(node: XmlNode, tag: string): XmlNode {
  return children(node, tag)[0] ?? {};
}

/**
 * Resolves a class file name: joined with the first absolute source inside the workspace, else
 * with the first relative source (coverage.py `relative_files`), else taken as it is. Sources
 * starting with `-` (a known Maven plugin quirk, `--source`) are ignored.
 */
function resolveFile(filename: string, sources: string[], prefixes: readonly string[]): string {
  const name = filename.replace(/\\/g, "/");
  if (isAbsolutePath(name)) return toRepoPath(name, prefixes);
  const usable = sources.map((s) => s.replace(/\\/g, "/")).filter((s) => !s.startsWith("-"));
  for (const source of usable.filter(isAbsolutePath)) {
    for (const prefix of prefixes) {
      const rel = stripPrefix(posix.join(source, name), prefix);
      if (rel !== undefined) return rel;
    }
  }
  const relative = usable.find((s) => !isAbsolutePath(s));
  return toRepoPath(relative === undefined ? name : posix.join(relative, name), prefixes);
}

function readClass(cls: XmlNode, acc: Acc, what: string): void {
  for (const line of children(first(cls, "lines"), "line")) {
    const number = Number(attr(line, "number"));
    const hits = Number(attr(line, "hits") ?? "0");
    if (!Number.isInteger(number) || number < 1 || !(hits >= 0)) {
      throw new ValidationError(
        `${what}: class '${attr(cls, "name") ?? "?"}' has a <line> with an invalid number or hits`,
      );
    }
    acc.lines.set(number, Math.max(acc.lines.get(number) ?? 0, hits));
    const cond = /\((\d+)\/(\d+)\)/.exec(attr(line, "condition-coverage") ?? "");
    if (attr(line, "branch") === "true" && cond) {
      const [covered, total] = [Number(cond[1]), Number(cond[2])];
      const prev = acc.branches.get(number) ?? [0, 0];
      acc.branches.set(number, [Math.max(prev[0], covered), Math.max(prev[1], total)]);
    }
  }
  for (const method of children(first(cls, "methods"), "method")) {
    const key = `${attr(method, "name") ?? ""}${attr(method, "signature") ?? ""}`;
    const lines = children(first(method, "lines"), "line");
    const covered =
      lines.length > 0 ? lines.some((l) => Number(attr(l, "hits")) > 0) : Number(attr(method, "line-rate")) > 0;
    acc.methods.set(key, acc.methods.get(key) === true || covered);
  }
}

function finish(file: string, acc: Acc): FileCoverage {
  const branches = [...acc.branches.values()];
  const result: FileCoverage = {
    file,
    linesTotal: acc.lines.size,
    linesCovered: [...acc.lines.values()].filter((h) => h > 0).length,
    branchesTotal: branches.reduce((n, [, t]) => n + t, 0),
    branchesCovered: branches.reduce((n, [c]) => n + c, 0),
  };
  if (acc.methods.size === 0) return result;
  return {
    ...result,
    functionsTotal: acc.methods.size,
    functionsCovered: [...acc.methods.values()].filter(Boolean).length,
  };
}
