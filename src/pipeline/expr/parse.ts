/**
 * The parser of `if:` expressions (recursive descent, one function per precedence level):
 *
 *   expr       = or
 *   or         = and ( "||" and )*
 *   and        = equality ( "&&" equality )*
 *   equality   = comparison ( ("==" | "!=") comparison )*
 *   comparison = unary ( ("<" | "<=" | ">" | ">=") unary )*
 *   unary      = "!" unary | primary
 *   primary    = literal | "(" expr ")" | name "(" [ expr ("," expr)* ] ")" | reference
 *   reference  = name ( "." name )*
 *
 * References are checked while parsing: `event`, `branch`, `commit`, `base_branch`,
 * `matrix.X`, `inputs.X`, `env.X` and `needs.<job>.status` are the only variables.
 */
import { type BinaryOp, type Expr, FUNCTIONS, type FunctionName } from "./ast.js";
import { ExpressionError } from "./expression-error.js";
import { type Token, tokenize } from "./tokenize.js";

const LEVELS: BinaryOp[][] = [["||"], ["&&"], ["==", "!="], ["<", "<=", ">", ">="]];
const SCALARS = new Set(["event", "branch", "commit", "base_branch"]);
const MAPS = new Set(["matrix", "inputs", "env"]);

/** The outcome of parsing: the AST, or an error positioned inside the expression. */
export type ParseResult = { expr: Expr; error?: undefined } | { expr?: undefined; error: ExpressionError };

/** Parses an `if:` expression into its AST, or returns the first syntax error with its offset. */
export function parseExpression(src: string): ParseResult {
  try {
    return { expr: parseOrThrow(src) };
  } catch (err) {
    if (err instanceof ExpressionError) return { error: err };
    throw err;
  }
}

function parseOrThrow(src: string): Expr {
  const parser = new Parser(tokenize(src));
  if (parser.peek().type === "eof") throw new ExpressionError("empty expression", 0);
  const expr = parser.parseLevel(0);
  const rest = parser.peek();
  if (rest.type !== "eof")
    throw new ExpressionError(`unexpected ${describe(rest)} after the end of the expression`, rest.start);
  return expr;
}

class Parser {
  #pos = 0;
  constructor(readonly tokens: Token[]) {}

  peek(): Token {
    return this.tokens[this.#pos]!;
  }

  next(): Token {
    const t = this.peek();
    if (t.type !== "eof") this.#pos++;
    return t;
  }

  isOp(value: string): boolean {
    const t = this.peek();
    return t.type === "op" && t.value === value;
  }

  expectOp(value: string, context: string): void {
    const t = this.peek();
    if (!this.isOp(value)) throw new ExpressionError(`expected '${value}' ${context}, found ${describe(t)}`, t.start);
    this.next();
  }

  parseLevel(level: number): Expr {
    if (level === LEVELS.length) return this.parseUnary();
    let left = this.parseLevel(level + 1);
    for (;;) {
      const t = this.peek();
      const op = LEVELS[level]!.find((o) => t.type === "op" && t.value === o);
      if (!op) return left;
      this.next();
      const right = this.parseLevel(level + 1);
      left = { kind: "binary", op, left, right, start: left.start };
    }
  }

  parseUnary(): Expr {
    const t = this.peek();
    if (this.isOp("!")) {
      this.next();
      return { kind: "not", operand: this.parseUnary(), start: t.start };
    }
    return this.parsePrimary();
  }

  parsePrimary(): Expr {
    const t = this.next();
    if (t.type === "string" || t.type === "number") return { kind: "literal", value: t.value, start: t.start };
    if (t.type === "op" && t.value === "(") {
      const inner = this.parseLevel(0);
      this.expectOp(")", "to close '('");
      return inner;
    }
    if (t.type !== "ident") throw new ExpressionError(`expected a value, found ${describe(t)}`, t.start);
    if (t.value === "true" || t.value === "false")
      return { kind: "literal", value: t.value === "true", start: t.start };
    if (t.value === "null") return { kind: "literal", value: null, start: t.start };
    if (this.isOp("(")) return this.parseCall(t);
    return this.parseReference(t);
  }

  parseCall(name: Token): Expr {
    if (!Object.hasOwn(FUNCTIONS, name.value)) {
      const known = Object.keys(FUNCTIONS).join(", ");
      throw new ExpressionError(`unknown function '${name.value}' (known: ${known})`, name.start);
    }
    const fn = name.value as FunctionName;
    this.next();
    const args: Expr[] = [];
    if (!this.isOp(")")) {
      args.push(this.parseLevel(0));
      while (this.isOp(",")) {
        this.next();
        args.push(this.parseLevel(0));
      }
    }
    this.expectOp(")", `to close the arguments of ${fn}()`);
    if (args.length !== FUNCTIONS[fn]) {
      throw new ExpressionError(`${fn}() takes ${FUNCTIONS[fn]} argument(s), got ${args.length}`, name.start);
    }
    return { kind: "call", name: fn, args, start: name.start };
  }

  parseReference(first: Token): Expr {
    const path = [String(first.value)];
    while (this.isOp(".")) {
      this.next();
      const part = this.next();
      if (part.type !== "ident")
        throw new ExpressionError(`expected a name after '.', found ${describe(part)}`, part.start);
      path.push(part.value);
    }
    checkReference(path, first.start);
    return { kind: "ref", path, start: first.start };
  }
}

function checkReference(path: string[], start: number): void {
  const [root, ...rest] = path as [string, ...string[]];
  const shown = path.join(".");
  if (SCALARS.has(root)) {
    if (rest.length === 0) return;
    throw new ExpressionError(`'${root}' has no properties (in '${shown}')`, start);
  }
  if (MAPS.has(root)) {
    if (rest.length === 1) return;
    throw new ExpressionError(`expected '${root}.<name>', found '${shown}'`, start);
  }
  if (root === "needs") {
    if (rest.length === 2 && rest[1] === "status") return;
    throw new ExpressionError(`expected 'needs.<job>.status', found '${shown}'`, start);
  }
  throw new ExpressionError(
    `unknown variable '${root}' (known: event, branch, commit, base_branch, matrix.*, inputs.*, env.*, needs.*.status)`,
    start,
  );
}

function describe(t: Token): string {
  if (t.type === "eof") return "end of expression";
  if (t.type === "string") return `string '${t.value}'`;
  return `'${t.value}'`;
}
