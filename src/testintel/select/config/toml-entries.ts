import { ConfigParseError, EntryMap } from "./config-entries.js";

/**
 * Reads a TOML document (pyproject.toml) as entries: every key with its full path (table headers
 * and dotted keys joined, an array of tables numbered: `tool.mypy.overrides.0.module`) and its
 * value's raw text, plus a mark for every table. A scanner, not an evaluator: strings (basic,
 * literal, multi-line), arrays and inline tables spanning lines and comments are delimited
 * exactly, values are not interpreted. Anything it does not recognise throws a ConfigParseError,
 * so a file it misreads is never judged section by section.
 */
export function tomlEntries(text: string): EntryMap {
  const map = new EntryMap();
  const s = new Scanner(text);
  let table: string[] = [];
  const arrayTables = new Map<string, number>();
  const explicit = new Set<string>();
  for (;;) {
    s.skipBlankLines();
    if (s.done) return map;
    if (s.peek("[[")) {
      s.pos += 2;
      const path = s.key();
      s.expect("]]");
      const k = path.join("\0");
      const n = arrayTables.get(k) ?? 0;
      arrayTables.set(k, n + 1);
      table = [...path, String(n)];
      map.mark(table);
    } else if (s.peek("[")) {
      s.pos += 1;
      table = s.key();
      s.expect("]");
      const k = table.join("\0");
      if (explicit.has(k)) s.fail(`table [${table.join(".")}] defined twice`);
      explicit.add(k);
      map.mark(table);
    } else {
      const key = s.key();
      s.expect("=");
      s.skipSpaces();
      const start = s.pos;
      s.value();
      map.add([...table, ...key], text.slice(start, s.pos).trim());
    }
    s.endOfLine();
  }
}

const BARE_KEY = /[A-Za-z0-9_-]/;
/** Control characters a one-line string may not hold (tab is allowed). */
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;
/** Those a multi-line string may not hold (tab and line breaks are allowed). */
const CONTROL_MULTILINE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const DEC = "(0|[1-9](_?[0-9])*)";
const DIGITS = "[0-9](_?[0-9])*";
const TIME = "[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?";
/** A TOML boolean, integer, float, date, time or date-time, spelt as the specification allows. */
const LITERAL = new RegExp(
  `^(${[
    "true|false",
    `[+-]?${DEC}`,
    "0x[0-9A-Fa-f](_?[0-9A-Fa-f])*|0o[0-7](_?[0-7])*|0b[01](_?[01])*",
    `[+-]?${DEC}((\\.${DIGITS})([eE][+-]?${DIGITS})?|[eE][+-]?${DIGITS})`,
    "[+-]?(inf|nan)",
    `[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ]${TIME}([Zz]|[+-][0-9]{2}:[0-9]{2})?)?`,
    TIME,
  ]
    .map((p) => `(${p})`)
    .join("|")})$`,
);

/** A cursor over the document with the few lexical rules the entries need. */
class Scanner {
  pos = 0;
  constructor(private readonly text: string) {}

  get done(): boolean {
    return this.pos >= this.text.length;
  }

  peek(s: string): boolean {
    return this.text.startsWith(s, this.pos);
  }

  fail(what: string): never {
    const line = this.text.slice(0, this.pos).split("\n").length;
    throw new ConfigParseError(`TOML line ${line}: ${what}`);
  }

  expect(s: string): void {
    this.skipSpaces();
    if (!this.peek(s)) this.fail(`expected '${s}'`);
    this.pos += s.length;
  }

  skipSpaces(): void {
    while (this.text[this.pos] === " " || this.text[this.pos] === "\t") this.pos++;
  }

  skipComment(): void {
    if (this.text[this.pos] === "#") while (!this.done && this.text[this.pos] !== "\n") this.pos++;
  }

  /** Blank lines, whitespace and comments (also inside arrays, where newlines are allowed). */
  skipBlankLines(): void {
    for (;;) {
      this.skipSpaces();
      this.skipComment();
      if (this.peek("\r\n")) this.pos += 2;
      else if (this.text[this.pos] === "\n") this.pos++;
      else return;
    }
  }

  /** Only whitespace or a comment may follow a statement on its line. */
  endOfLine(): void {
    this.skipSpaces();
    this.skipComment();
    if (this.done) return;
    if (this.peek("\r\n")) this.pos += 2;
    else if (this.text[this.pos] === "\n") this.pos++;
    else this.fail("unexpected text after a statement");
  }

  /** A dotted key: bare, "basic" or 'literal' parts separated by dots. */
  key(): string[] {
    const parts: string[] = [];
    for (;;) {
      this.skipSpaces();
      const c = this.text[this.pos];
      if (c === '"') parts.push(decodeBasic(this.string('"')));
      else if (c === "'") parts.push(this.string("'").slice(1, -1));
      else {
        const start = this.pos;
        while (!this.done && BARE_KEY.test(this.text[this.pos]!)) this.pos++;
        if (this.pos === start) this.fail("expected a key");
        parts.push(this.text.slice(start, this.pos));
      }
      this.skipSpaces();
      if (this.text[this.pos] !== ".") return parts;
      this.pos++;
    }
  }

  /** A string starting at the cursor (its quotes included in the returned text). */
  string(quote: '"' | "'"): string {
    const start = this.pos;
    const triple = quote.repeat(3);
    if (this.peek(triple)) {
      this.pos += 3;
      for (;;) {
        if (this.done) this.fail("unterminated multi-line string");
        const c = this.text[this.pos]!;
        if (quote === '"' && c === "\\") this.escape(true);
        else if (CONTROL_MULTILINE.test(c)) this.fail("a control character in a string");
        else if (this.peek(triple)) {
          this.pos += 3;
          // up to two more quotes may close the string (`""""` ends with a quote in it)
          for (let extra = 0; extra < 2 && this.text[this.pos] === quote; extra++) this.pos++;
          return this.text.slice(start, this.pos);
        } else this.pos++;
      }
    }
    this.pos++;
    for (;;) {
      const c = this.text[this.pos];
      if (c === undefined || c === "\n") this.fail("unterminated string");
      if (quote === '"' && c === "\\") this.escape(false);
      else if (CONTROL.test(c)) this.fail("a control character in a string");
      else {
        this.pos++;
        if (c === quote) return this.text.slice(start, this.pos);
      }
    }
  }

  /** One value: a string, an array or inline table (nested, newlines and comments allowed in arrays), or a bare literal. */
  value(): void {
    const c = this.text[this.pos];
    if (c === '"' || c === "'") {
      this.string(c);
      return;
    }
    if (c === "[" || c === "{") {
      const close = c === "[" ? "]" : "}";
      this.pos++;
      for (;;) {
        if (c === "[") this.skipBlankLines();
        else this.skipSpaces();
        if (this.done) this.fail(`unterminated ${c === "[" ? "array" : "inline table"}`);
        if (this.text[this.pos] === close) {
          this.pos++;
          return;
        }
        if (this.text[this.pos] === ",") {
          this.pos++;
          continue;
        }
        if (c === "{") {
          this.key();
          this.expect("=");
          this.skipSpaces();
        }
        this.value();
      }
    }
    // numbers, booleans, dates: a run of the characters they are made of, then checked as TOML
    // spells them (pytest and pip refuse a pyproject.toml with `line-length = 8a8`)
    const start = this.pos;
    while (!this.done && /[A-Za-z0-9_.:+-]/.test(this.text[this.pos]!)) this.pos++;
    if (this.pos === start) this.fail("expected a value");
    if (/^\d{4}-\d{2}-\d{2}$/.test(this.text.slice(start, this.pos)) && /^ \d/.test(this.text.slice(this.pos))) {
      // a date-time written with a space: `1979-05-27 07:32:00`
      this.pos++;
      while (!this.done && /[0-9:.+\-Zz]/.test(this.text[this.pos]!)) this.pos++;
    }
    const literal = this.text.slice(start, this.pos);
    if (!LITERAL.test(literal)) this.fail(`'${literal.slice(0, 40)}' is not a TOML value`);
  }

  /** Steps over one escape of a basic string; a multi-line one may also end a line with a backslash. */
  escape(multiLine: boolean): void {
    const rest = this.text.slice(this.pos + 1, this.pos + 10);
    const m = /^([btnfr"\\]|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})/.exec(rest);
    if (m) {
      this.pos += 1 + m[0].length;
      return;
    }
    const lineEnd = multiLine ? /^[ \t]*\r?\n/.exec(rest) : null;
    if (!lineEnd) this.fail("an invalid escape in a string");
    this.pos += 1 + lineEnd[0].length;
  }
}

/** The text of a "basic" quoted key (escapes as JSON reads them; TOML's `\U` and `\e` are refused). */
function decodeBasic(quoted: string): string {
  try {
    return JSON.parse(quoted) as string;
  } catch {
    throw new ConfigParseError(`TOML: cannot read the quoted key ${quoted.slice(0, 80)}`);
  }
}
