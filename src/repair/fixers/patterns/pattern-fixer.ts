/**
 * The pattern fixer of one language (the `Fixer` port, kind "pattern"). For the top in-app
 * suspects outside test code (a crash is fixed in the code under test, never by editing the test
 * that exposed it: such a patch passes the very test it edits) it reads the file, finds the
 * failing expression of the kind the exception names, asks the strategies for edits, applies each to the file's text, re-parses the result and drops any
 * patch whose tree has an ERROR or MISSING node. Patches come back best first: the first
 * suspect that yields any wins.
 */
import { readFile } from "node:fs/promises";
import { resolve, sep } from "node:path";
import { isTestFrame } from "../../../diagnose/index.js";
import type { FixContext, Fixer, Patch } from "../../fixer.js";
import { unifiedDiff } from "../../unified-diff.js";
import type { Node } from "web-tree-sitter";
import type { Dialect } from "./dialect.js";
import { proposeDivisionGuards } from "./div-zero.js";
import { type FailureSignal, readFailureSignal } from "./failure-signal.js";
import { proposeIgnoredErrorChecks } from "./go-ignored-error.js";
import { proposeIndexGuards } from "./index-guard.js";
import { proposeKeyFixes } from "./missing-key.js";
import { allowsOptionalChaining } from "./node-engines.js";
import { proposeNullGuards } from "./null-guard.js";
import { proposeParseGuards } from "./parse-guard.js";
import type { Proposal, Site, TextEdit } from "./site.js";
import { firstSyntaxError, grammarOf, parseSource } from "./tree-sitter.js";
import { proposeAwaits } from "./unawaited.js";

/** How many suspects (best first) a fixer looks at. */
const SUSPECTS = 3;

/** The strategies for a failure kind, in the order their proposals are ranked. */
async function proposalsFor(site: Site): Promise<Proposal[]> {
  const kind: FailureSignal["kind"] = site.signal.kind;
  if (kind === "null") return [...(await proposeAwaits(site)), ...proposeNullGuards(site)];
  if (kind === "not-function") return proposeAwaits(site);
  if (kind === "div-zero") return [...proposeIgnoredErrorChecks(site), ...proposeDivisionGuards(site)];
  if (kind === "index") return [...proposeIgnoredErrorChecks(site), ...proposeIndexGuards(site)];
  if (kind === "key") return proposeKeyFixes(site);
  return proposeParseGuards(site);
}

/** Applies non-overlapping edits to a text. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  let limit = Number.POSITIVE_INFINITY;
  for (const e of sorted) {
    if (e.end > limit) throw new Error("overlapping edits");
    out = out.slice(0, e.start) + e.text + out.slice(e.end);
    limit = e.start;
  }
  return out;
}

/** The name of the innermost named function around `row` (for frames the trace left anonymous). */
function namedFunctionAt(dialect: Dialect, root: Node, row: number): string | undefined {
  for (let n: Node | null = root.descendantForPosition({ row, column: 0 }); n; n = n.parent) {
    if (!dialect.functions.has(n.type)) continue;
    const name =
      n.childForFieldName("name") ??
      (n.parent?.type === "variable_declarator" ? n.parent.childForFieldName("name") : null);
    if (name) return name.text;
  }
  return undefined;
}

/** A tree-sitter pattern fixer for one language. */
export class PatternFixer implements Fixer {
  readonly kind = "pattern" as const;
  readonly name: string;

  constructor(private readonly dialect: Dialect) {
    this.name = `pattern/${dialect.name}`;
  }

  /** Proposes patches for the failure in `ctx` (see the Fixer protocol). */
  async propose(ctx: FixContext): Promise<Patch[]> {
    const { dialect } = this;
    if (!ctx.trace || ctx.trace.language !== dialect.traceLanguage) return [];
    const signal = readFailureSignal(ctx.trace);
    if (!signal) return [];
    const root = resolve(ctx.repoDir);
    const inRepo = (path: string) => {
      const full = resolve(root, path);
      return full.startsWith(root + sep) ? full : undefined;
    };
    const readRepoFile = async (path: string) => {
      const full = inRepo(path);
      return full ? readFile(full, "utf8").catch(() => undefined) : undefined;
    };
    const rootCause = [ctx.trace, ...(ctx.trace.causes ?? [])].at(-1)!;
    const failedInDependency = rootCause.frames[0] !== undefined && !rootCause.frames[0].inApp;
    const suspects = ctx.suspects.filter((s) => {
      const grammar = grammarOf(s.file);
      return s.inApp && !isTestFrame(s) && s.line !== undefined && grammar && dialect.grammars.includes(grammar);
    });
    for (const suspect of suspects.slice(0, SUSPECTS)) {
      const text = await readRepoFile(suspect.file);
      if (text === undefined) continue;
      const grammar = grammarOf(suspect.file)!;
      const tree = await parseSource(grammar, text);
      try {
        const site: Site = {
          dialect,
          path: suspect.file,
          text,
          root: tree.rootNode,
          row: suspect.line! - 1,
          frameFunction: suspect.function ?? namedFunctionAt(dialect, tree.rootNode, suspect.line! - 1),
          signal,
          failedInDependency,
          optionalChaining: dialect.name === "javascript" && (await allowsOptionalChaining(suspect.file, readRepoFile)),
          readFile: readRepoFile,
        };
        const patches: Patch[] = [];
        const seen = new Set<string>();
        for (const proposal of await proposalsFor(site)) {
          const after = applyEdits(text, proposal.edits);
          if (after === text || seen.has(after)) continue;
          seen.add(after);
          const reparsed = await parseSource(grammar, after);
          const broken = firstSyntaxError(reparsed.rootNode);
          reparsed.delete();
          if (broken) continue;
          const edits = [{ path: suspect.file, before: text, after }];
          patches.push({
            fixer: proposal.fixer,
            kind: "pattern",
            title: proposal.title,
            explanation: proposal.explanation,
            edits,
            diff: unifiedDiff(edits),
          });
        }
        if (patches.length) return patches;
      } finally {
        tree.delete();
      }
    }
    return [];
  }
}
