/**
 * The module specifiers a JavaScript/TypeScript file names statically: `import … from "x"`,
 * `import "x"`, `export … from "x"`, `require("x")` and `import("x")` with a literal argument.
 * Comments are blanked first (strings and template literals kept), so a commented-out import
 * is not a dependency; an import inside a string literal is kept, which only selects more.
 */
export function jsImportSpecifiers(source: string): string[] {
  const code = blankComments(source);
  const found = new Set<string>();
  for (const re of PATTERNS) {
    re.lastIndex = 0;
    for (let m = re.exec(code); m !== null; m = re.exec(code)) found.add(m[2]!);
  }
  return [...found];
}

const PATTERNS = [
  // import x from "y", import { a, b } from "y", export * from "y", import type { T } from "y"
  /\b(?:import|export)\s[^'";`]*?\bfrom\s*(['"])([^'"\n]+)\1/g,
  // import "y" (side effects only)
  /\bimport\s*(['"])([^'"\n]+)\1/g,
  // require("y"), import("y"), require(`y`) without substitutions
  /\b(?:require|import)\s*\(\s*(['"`])([^'"`\n$]+)\1\s*[,)]/g,
];

/** `source` with its `//` and `/* *\/` comments replaced by spaces (newlines kept). */
function blankComments(source: string): string {
  const out: string[] = [];
  let i = 0;
  const n = source.length;
  while (i < n) {
    const c = source[i]!;
    const next = source[i + 1];
    if (c === "/" && next === "/") {
      const end = source.indexOf("\n", i);
      i = end === -1 ? n : end;
      continue;
    }
    if (c === "/" && next === "*") {
      const end = source.indexOf("*/", i + 2);
      const stop = end === -1 ? n : end + 2;
      out.push(source.slice(i, stop).replace(/[^\n]/g, " "));
      i = stop;
      continue;
    }
    if (c === '"' || c === "'" || c === "`") {
      const stop = stringEnd(source, i, c);
      out.push(source.slice(i, stop));
      i = stop;
      continue;
    }
    out.push(c);
    i++;
  }
  return out.join("");
}

/** Index just past the string literal opened by `quote` at `start` (a line break ends a broken one). */
function stringEnd(source: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < source.length) {
    const c = source[i]!;
    if (c === "\\") i += 2;
    else if (c === quote) return i + 1;
    else if (c === "\n" && quote !== "`") return i;
    else i++;
  }
  return source.length;
}
