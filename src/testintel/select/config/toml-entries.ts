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
        if (quote === '"' && this.text[this.pos] === "\\") this.pos += 2;
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
      if (quote === '"' && c === "\\") this.pos += 2;
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
    // numbers, booleans, dates: a run of the characters they are made of
    const start = this.pos;
    while (!this.done && /[A-Za-z0-9_.:+-]/.test(this.text[this.pos]!)) this.pos++;
    if (this.pos === start) this.fail("expected a value");
    if (this.text[this.pos] === " " && /^\d{4}-\d{2}-\d{2}$/.test(this.text.slice(start, this.pos))) {
      // a date-time written with a space: `1979-05-27 07:32:00`
      this.pos++;
      while (!this.done && /[0-9:.+\-Z]/.test(this.text[this.pos]!)) this.pos++;
    }
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
