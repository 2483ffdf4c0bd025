/**
 * Turns PromQL text into the subset's AST by walking the syntax tree of `@prometheus-io/lezer-promql`
 * (the grammar Prometheus' own UI uses). Syntax errors and anything outside the subset throw a
 * ValidationError whose `details.column` is 1-based.
 */
import type { SyntaxNode } from "@lezer/common";
import { parser } from "@prometheus-io/lezer-promql";
import { ValidationError } from "../../../common/errors.js";
import { parseFloatValue } from "../exposition/parse-exposition.js";
import {
  type AggregateOp,
  type BinaryOp,
  type Expr,
  type FunctionName,
  isComparison,
  type Matcher,
  type VectorSelector,
} from "./ast.js";

const UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
};
const FUNCTIONS = new Set<string>(["rate", "irate", "increase", "histogram_quantile"]);
const AGGREGATES = new Set<string>(["sum", "avg", "min", "max", "count"]);
const BINARY = new Set<string>(["+", "-", "*", "/", "%", "^", "==", "!=", ">", "<", ">=", "<="]);

/** Parses a PromQL duration (`5m`, `1h30m`, `500ms`) into milliseconds; undefined when invalid. */
export function parseDurationMs(text: string): number | undefined {
  if (!/^(\d+(ms|s|m|h|d|w|y))+$/.test(text)) return /^\d+(\.\d+)?$/.test(text) ? Number(text) * 1000 : undefined;
  let ms = 0;
  for (const m of text.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) ms += Number(m[1]) * UNITS[m[2]!]!;
  return ms;
}

/** Parses `text` into an expression of the subset. */
export function parsePromql(text: string): Expr {
  const tree = parser.parse(text);
  const top = tree.topNode;
  let bad: SyntaxNode | undefined;
  tree.iterate({
    enter(n) {
      if (!bad && n.type.isError) bad = n.node;
    },
  });
  if (bad) {
    const near = text.slice(bad.from, bad.from + 10);
    throw fail(bad, near ? `unexpected "${near}"` : "unexpected end of input");
  }
  const root = top.firstChild;
  if (!root) throw new ValidationError("empty PromQL expression", { column: 1 });
  return new Walker(text).expr(root);
}

function fail(node: SyntaxNode, message: string): ValidationError {
  return new ValidationError(`PromQL: ${message} at column ${node.from + 1}`, { column: node.from + 1 });
}

function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
}

class Walker {
  constructor(private readonly text: string) {}

  src(n: SyntaxNode): string {
    return this.text.slice(n.from, n.to);
  }

  expr(n: SyntaxNode): Expr {
    switch (n.name) {
      case "ParenExpr":
        return this.expr(this.only(n));
      case "NumberDurationLiteral": {
        const v = parseFloatValue(this.src(n)) ?? parseDurationMs(this.src(n));
        if (v === undefined) throw fail(n, `invalid number "${this.src(n)}"`);
        return { kind: "number", value: v };
      }
      case "VectorSelector":
        return this.selector(n);
      case "MatrixSelector": {
        const [sel, dur] = children(n);
        const range = parseDurationMs(this.src(dur!));
        if (sel?.name !== "VectorSelector" || range === undefined) throw fail(n, "unsupported range selector");
        return { kind: "matrix", selector: this.selector(sel), rangeMs: range };
      }
      case "OffsetExpr":
        return this.offset(n);
      case "UnaryExpr": {
        const [op, e] = children(n);
        const inner = this.expr(e!);
        return this.src(op!) === "-" ? { kind: "negate", expr: inner } : inner;
      }
      case "FunctionCall":
        return this.call(n);
      case "AggregateExpr":
        return this.aggregate(n);
      case "BinaryExpr":
        return this.binary(n);
      default:
        throw fail(n, `unsupported expression "${this.src(n).slice(0, 40)}" (${n.name})`);
    }
  }

  only(n: SyntaxNode): SyntaxNode {
    const c = children(n).filter((x) => x.name !== "(" && x.name !== ")");
    if (c.length !== 1) throw fail(n, "expected one expression");
    return c[0]!;
  }

  selector(n: SyntaxNode): VectorSelector {
    const matchers: Matcher[] = [];
    for (const c of children(n)) {
      if (c.name === "Identifier") matchers.push({ name: "__name__", op: "=", value: this.src(c) });
      else if (c.name === "LabelMatchers") {
        for (const m of children(c)) {
          if (m.name !== "UnquotedLabelMatcher") throw fail(m, `unsupported label matcher "${this.src(m)}"`);
          const [name, op, value] = children(m);
          matchers.push({
            name: this.src(name!),
            op: this.src(op!) as Matcher["op"],
            value: this.string(value!),
          });
        }
      } else throw fail(c, `unsupported selector part "${this.src(c)}"`);
    }
    if (!matchers.some((m) => (m.op === "=" || m.op === "=~") && !new RegExp(`^(?:${m.value})$`).test(""))) {
      throw fail(n, "vector selector must contain at least one non-empty matcher");
    }
    for (const m of matchers) if (m.op === "=~" || m.op === "!~") this.regex(m.value, n);
    return { kind: "vector", matchers, offsetMs: 0 };
  }

  regex(source: string, n: SyntaxNode): void {
    try {
      new RegExp(`^(?:${source})$`);
    } catch (e) {
      throw fail(n, `invalid regular expression "${source}": ${(e as Error).message}`);
    }
  }

  offset(n: SyntaxNode): Expr {
    const [inner, , dur] = children(n);
    const ms = parseDurationMs(this.src(dur!).replace(/^-/, ""));
    if (ms === undefined) throw fail(dur!, `invalid offset "${this.src(dur!)}"`);
    const signed = this.src(dur!).startsWith("-") ? -ms : ms;
    const e = this.expr(inner!);
    if (e.kind === "vector") return { ...e, offsetMs: signed };
    if (e.kind === "matrix") return { ...e, selector: { ...e.selector, offsetMs: signed } };
    throw fail(n, "offset applies to a selector only");
  }

  string(n: SyntaxNode): string {
    const raw = this.src(n);
    if (raw.startsWith("`")) return raw.slice(1, -1);
    return raw.slice(1, -1).replace(/\\(.)/g, (_, c: string) => ({ n: "\n", t: "\t", r: "\r" })[c] ?? c);
  }

  call(n: SyntaxNode): Expr {
    const [id, body] = children(n);
    const fn = this.src(id!);
    if (!FUNCTIONS.has(fn)) throw fail(id!, `unsupported function "${fn}"`);
    const args = children(body!).map((a) => this.expr(a));
    const want = fn === "histogram_quantile" ? ["number", "vector"] : ["matrix"];
    if (args.length !== want.length) throw fail(n, `${fn} expects ${want.length} argument(s), got ${args.length}`);
    if (fn !== "histogram_quantile" && args[0]!.kind !== "matrix") throw fail(n, `${fn} expects a range vector`);
    return { kind: "call", fn: fn as FunctionName, args };
  }

  aggregate(n: SyntaxNode): Expr {
    let op = "";
    let grouping: { without: boolean; labels: string[] } | null = null;
    let body: SyntaxNode | undefined;
    for (const c of children(n)) {
      if (c.name === "AggregateOp") op = this.src(c);
      else if (c.name === "AggregateModifier") {
        const [kw, labels] = children(c);
        grouping = { without: kw!.name === "Without", labels: children(labels!).map((l) => this.src(l)) };
      } else if (c.name === "FunctionCallBody") body = c;
    }
    if (!AGGREGATES.has(op)) throw fail(n, `unsupported aggregation "${op}"`);
    const args = children(body!);
    if (args.length !== 1) throw fail(n, `${op} expects one argument`);
    return { kind: "aggregate", op: op as AggregateOp, grouping, expr: this.expr(args[0]!) };
  }

  binary(n: SyntaxNode): Expr {
    const parts = children(n);
    const lhs = this.expr(parts[0]!);
    const rhs = this.expr(parts.at(-1)!);
    const op = this.src(parts[1]!);
    if (!BINARY.has(op)) throw fail(parts[1]!, `unsupported operator "${op}"`);
    let bool = false;
    let matching: { on: boolean; labels: string[] } | null = null;
    for (const m of parts.slice(2, -1)) {
      if (m.name === "BoolModifier") bool = true;
      else if (m.name === "MatchingModifierClause") {
        const [kw, labels, extra] = children(m);
        if (extra || (kw!.name !== "On" && kw!.name !== "Ignoring"))
          throw fail(m, "group_left/group_right are not supported");
        matching = { on: kw!.name === "On", labels: children(labels!).map((l) => this.src(l)) };
      } else throw fail(m, `unsupported modifier "${this.src(m)}"`);
    }
    if (bool && !isComparison(op as BinaryOp))
      throw fail(parts[1]!, "bool modifier can only be used on comparison operators");
    if (isComparison(op as BinaryOp) && !bool && lhs.kind === "number" && rhs.kind === "number") {
      throw fail(parts[1]!, "comparisons between scalars must use BOOL modifier");
    }
    return { kind: "binary", op: op as BinaryOp, lhs, rhs, bool, matching };
  }
}
