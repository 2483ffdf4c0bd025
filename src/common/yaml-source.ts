/**
 * YAML text with positions: parses a document, keeps a line counter, and maps a value path
 * (as zod reports it) back to a 1-based line/column, so every diagnostic points at the text.
 */
import { isMap, isScalar, LineCounter, parseDocument, visit, type Document, type Node } from "yaml";
import type * as z from "zod";
import type { Diagnostic } from "./diagnostics.js";
import { didYouMean } from "./did-you-mean.js";
import { allowedKeys } from "./schema-keys.js";
import { findBadIndentation } from "./yaml-indentation.js";

/** A parsed YAML document that can locate any path inside it. */
export interface YamlSource {
  file?: string;
  /** The plain JS value (undefined when the text did not parse). */
  value: unknown;
  /** Syntax errors and warnings found while parsing. */
  diagnostics: Diagnostic[];
  /** Position of the node at `path` (or of its closest existing ancestor). */
  locate(path: readonly PropertyKey[], opts?: { key?: boolean }): { line: number; column: number };
}

/** Aliases (`*name`) resolved per document unless the caller says otherwise. */
export const DEFAULT_MAX_ALIASES = 100;

/**
 * Parses YAML text, collecting syntax problems as diagnostics instead of throwing. Aliases are
 * resolved at most `maxAliases` times (a "billion laughs" document is a `yaml-alias-limit`
 * diagnostic at its first alias, not an exception or gigabytes of expanded value). `mergeKeys`
 * turns on YAML 1.1 `<<: *anchor` merges (other CI systems' files use them).
 */
export function parseYamlSource(
  text: string,
  file?: string,
  opts: { maxAliases?: number; mergeKeys?: boolean } = {},
): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    merge: opts.mergeKeys ?? false,
  });
  const diagnostics: Diagnostic[] = [];
  const pos = (offset: number) => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const indentation =
    doc.errors.length > 1 ? indentationError(text, doc.errors.length, pos(doc.errors[0]!.pos[0])) : undefined;
  if (indentation) diagnostics.push({ ...indentation, file });
  for (const e of indentation ? [] : doc.errors) {
    diagnostics.push({ severity: "error", code: "yaml-syntax", message: firstLine(e.message), file, ...pos(e.pos[0]) });
  }
  for (const w of doc.warnings) {
    diagnostics.push({
      severity: "warning",
      code: "yaml-warning",
      message: firstLine(w.message),
      file,
      ...pos(w.pos[0]),
    });
  }
  let value: unknown;
  if (doc.errors.length === 0) {
    const maxAliasCount = opts.maxAliases ?? DEFAULT_MAX_ALIASES;
    try {
      value = doc.toJS({ maxAliasCount });
    } catch (err) {
      if (!(err instanceof ReferenceError)) throw err;
      diagnostics.push({
        severity: "error",
        code: "yaml-alias-limit",
        message: `aliases expand past the limit of ${maxAliasCount} (${firstLine(err.message)})`,
        file,
        ...pos(firstAliasOffset(doc)),
      });
    }
  }
  return {
    file,
    value,
    diagnostics,
    locate(path, opts = {}) {
      const node = findNode(doc, path, opts.key ?? false);
      const offset = node?.range?.[0] ?? 0;
      return pos(offset);
    },
  };
}

/**
 * One `bad-indentation` error in place of a cascade of parser errors, when a badly indented line
 * sits where the cascade starts (within two lines of the first error).
 */
function indentationError(text: string, errors: number, first: { line: number }): Diagnostic | undefined {
  const bad = findBadIndentation(text);
  if (!bad || Math.abs(bad.line - first.line) > 2) return undefined;
  const columns = bad.expected.map(String).join(" or ");
  return {
    severity: "error",
    code: "bad-indentation",
    message:
      `bad indentation at ${bad.line}:${bad.column}: this line starts in column ${bad.column} where column ${columns} ` +
      `was expected; YAML nests by indentation, so the keys of one map and the items of one list start in the same ` +
      `column (the parser reported ${errors} errors from here)`,
    line: bad.line,
    column: bad.column,
  };
}

/** Offset of the document's first alias node (0 when there is none). */
function firstAliasOffset(doc: Document): number {
  let offset = 0;
  visit(doc, {
    Alias(_key, node) {
      offset = node.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  return offset;
}

function firstLine(msg: string): string {
  return msg.split("\n")[0] ?? msg;
}

/** Walks the document along `path`; with `key`, returns the key node of the last segment. */
function findNode(doc: Document, path: readonly PropertyKey[], key: boolean): Node | undefined {
  let node: Node | undefined = doc.contents ?? undefined;
  let last: Node | undefined = node;
  for (let i = 0; i < path.length; i++) {
    if (!node) break;
    const seg = path[i];
    const isLast = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      if (isLast && key) return (pair.key as Node) ?? node;
      node = (pair.value as Node | null) ?? (pair.key as Node);
    } else if (node && "items" in node && Array.isArray((node as { items: unknown[] }).items)) {
      node = (node as { items: Node[] }).items[Number(seg)];
    } else {
      break;
    }
    if (node) last = node;
  }
  return last;
}

/**
 * Validates a parsed YAML value against a zod schema and turns every issue into a positioned
 * diagnostic (unknown keys point at the key itself, with the closest allowed key as a "did you
 * mean"). `issues` are zod's own, for callers that go on checking what is valid.
 */
export function validateYaml<S extends z.ZodType>(
  source: YamlSource,
  schema: S,
): { data?: z.output<S>; diagnostics: Diagnostic[]; issues?: z.core.$ZodIssue[] } {
  const diagnostics = [...source.diagnostics];
  if (diagnostics.some((d) => d.severity === "error")) return { diagnostics };
  const result = schema.safeParse(source.value ?? {});
  if (result.success) return { data: result.data, diagnostics };
  for (const issue of result.error.issues) {
    const path = issue.path as PropertyKey[];
    if (issue.code === "unrecognized_keys") {
      const allowed = allowedKeys(schema, path);
      for (const k of issue.keys) {
        diagnostics.push({
          severity: "error",
          code: "unknown-key",
          message: `unknown key '${k}'${path.length ? ` in '${dotted(path)}'` : ""}${didYouMean(k, allowed)}`,
          file: source.file,
          path: dotted([...path, k]),
          ...source.locate([...path, k], { key: true }),
        });
      }
      continue;
    }
    diagnostics.push({
      severity: "error",
      code: "invalid-value",
      message: path.length ? `${dotted(path)}: ${issue.message}` : issue.message,
      file: source.file,
      path: dotted(path),
      ...source.locate(path),
    });
  }
  return { diagnostics, issues: result.error.issues };
}

/** Renders a value path as `jobs.build.steps[0].run`. */
export function dotted(path: readonly PropertyKey[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}
