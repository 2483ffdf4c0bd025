/** One Python import: the dotted module, how many leading dots (0 = absolute), and the names imported from it. */
export interface PyImport {
  module: string;
  level: number;
  names: string[];
}

/**
 * The imports a Python file states at any indentation: `import a.b as c, d` and
 * `from .x import (y, z)` (parenthesised lists may span lines). Comments and the text of
 * strings are not parsed apart: an import written inside a docstring is kept, which only
 * selects more.
 */
export function pyImports(source: string): PyImport[] {
  const found: PyImport[] = [];
  const text = source.replace(/\\\r?\n/g, " ");
  const fromRe = /^[ \t]*from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]+)/gm;
  for (let m = fromRe.exec(text); m !== null; m = fromRe.exec(text)) {
    const names = m[3]!
      .replace(/[()]/g, " ")
      .split(",")
      .map((n) => n.trim().split(/\s+/)[0]!)
      .filter((n) => /^\w+$/.test(n));
    found.push({ module: m[2]!, level: m[1]!.length, names });
  }
  const importRe = /^[ \t]*import[ \t]+([^\n#;]+)/gm;
  for (let m = importRe.exec(text); m !== null; m = importRe.exec(text)) {
    for (const part of m[1]!.split(",")) {
      const module = part.trim().split(/\s+/)[0]!;
      if (/^[\w.]+$/.test(module)) found.push({ module, level: 0, names: [] });
    }
  }
  return found;
}
