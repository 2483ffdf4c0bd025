/**
 * Finds the line whose indentation breaks a YAML block structure, so a cascade of parser errors
 * ("implicit keys need to be on a single line", "a block sequence may not be used as an implicit
 * map key", …) can be reported as the one mistake the author made.
 *
 * Lines are read as nested blocks: a line may indent deeper only after a line that opens a block
 * (`key:` or `- `), and a line that indents less must land on the column of an enclosing block.
 * Comments, blank lines, block scalars (`run: |`) and multi-line flow collections are skipped.
 */

/** A line indented where no block starts. Line and columns are 1-based. */
export interface BadIndentation {
  line: number;
  /** Column of the line's first character. */
  column: number;
  /** The columns where this line could have started (the blocks around it). */
  expected: number[];
}

/** The first badly indented line of `text`, or undefined when the indentation is consistent. */
export function findBadIndentation(text: string): BadIndentation | undefined {
  const levels = [0];
  let opens = false;
  let scalarParent = -1;
  let flowDepth = 0;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const content = raw.trimStart();
    const indent = raw.length - content.length;
    if (scalarParent >= 0) {
      if (content === "" || indent > scalarParent) continue;
      scalarParent = -1;
    }
    if (content === "" || content.startsWith("#") || content === "---") continue;
    if (flowDepth > 0) {
      flowDepth += bracketBalance(content);
      continue;
    }
    const top = levels[levels.length - 1]!;
    if (indent > top) {
      if (!opens) return { line: i + 1, column: indent + 1, expected: [top + 1] };
      levels.push(indent);
    } else if (indent < top) {
      const popped: number[] = [];
      while (levels.length > 1 && levels[levels.length - 1]! > indent) popped.push(levels.pop()!);
      if (levels[levels.length - 1] !== indent) {
        const around = [levels[levels.length - 1]!, ...popped.slice(-1)].map((c) => c + 1);
        return { line: i + 1, column: indent + 1, expected: [...new Set(around)].sort((a, b) => a - b) };
      }
    }
    const item = /^-(\s+|$)/.exec(content);
    const body = stripComment(item ? content.slice(item[0].length) : content);
    if (item && body !== "") levels.push(indent + item[0].length);
    opens = (item !== null && body === "") || /:$/.test(body) || /:\s+(&\S+|!\S+)$/.test(body);
    if (/(^|:\s|^-\s)\s*[|>][-+0-9]*$/.test(body)) {
      scalarParent = indent;
      opens = false;
    }
    flowDepth = Math.max(0, bracketBalance(body));
  }
  return undefined;
}

/** `#` starts a comment when it follows whitespace, outside quotes. */
function stripComment(s: string): string {
  let quote = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === quote) quote = "";
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "#" && (i === 0 || /\s/.test(s[i - 1]!))) return s.slice(0, i).trimEnd();
  }
  return s.trimEnd();
}

/** Opening minus closing `[` `{` brackets outside quotes. */
function bracketBalance(s: string): number {
  let depth = 0;
  let quote = "";
  for (const c of s) {
    if (quote) {
      if (c === quote) quote = "";
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "[" || c === "{") depth++;
    else if (c === "]" || c === "}") depth--;
  }
  return depth;
}
