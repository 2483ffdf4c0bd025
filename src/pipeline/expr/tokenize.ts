/** The tokenizer of `if:` expressions: source text → tokens with their offsets. */
import { ExpressionError } from "./expression-error.js";

/** One token; `start` is its 0-based offset in the source. */
export type Token =
  | { type: "string"; value: string; start: number }
  | { type: "number"; value: number; start: number }
  | { type: "ident"; value: string; start: number }
  | { type: "op"; value: string; start: number }
  | { type: "eof"; value: ""; start: number };

const OPERATORS = ["==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "(", ")", ",", "."];
const IDENT = /[A-Za-z_][A-Za-z0-9_-]*/y;
const NUMBER = /-?\d+(\.\d+)?/y;

/** Splits an expression into tokens, ending with an `eof` token; throws {@link ExpressionError}. */
export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === "'" || ch === '"') {
      const { value, end } = readString(src, i);
      tokens.push({ type: "string", value, start: i });
      i = end;
      continue;
    }
    const num = sticky(NUMBER, src, i);
    if (num !== undefined) {
      tokens.push({ type: "number", value: Number(num), start: i });
      i += num.length;
      continue;
    }
    const ident = sticky(IDENT, src, i);
    if (ident !== undefined) {
      tokens.push({ type: "ident", value: ident, start: i });
      i += ident.length;
      continue;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (op === undefined) {
      const hint = ch === "=" ? " (use '==' to compare)" : ch === "&" || ch === "|" ? ` (use '${ch}${ch}')` : "";
      throw new ExpressionError(`unexpected character '${ch}'${hint}`, i);
    }
    tokens.push({ type: "op", value: op, start: i });
    i += op.length;
  }
  tokens.push({ type: "eof", value: "", start: src.length });
  return tokens;
}

function sticky(re: RegExp, src: string, at: number): string | undefined {
  re.lastIndex = at;
  return re.exec(src)?.[0];
}

/** Reads a quoted string: `'it''s'` (doubled quote) or `"say \"hi\""` (backslash escapes). */
function readString(src: string, start: number): { value: string; end: number } {
  const quote = src[start]!;
  let value = "";
  let i = start + 1;
  while (i < src.length) {
    const ch = src[i]!;
    if (ch === quote) {
      if (quote === "'" && src[i + 1] === "'") {
        value += "'";
        i += 2;
        continue;
      }
      return { value, end: i + 1 };
    }
    if (quote === '"' && ch === "\\" && i + 1 < src.length) {
      value += src[i + 1];
      i += 2;
      continue;
    }
    value += ch;
    i++;
  }
  throw new ExpressionError("unterminated string", start);
}
