/**
 * Tree-sitter for the pattern fixers: the runtime is initialised once and each grammar (from
 * `tree-sitter-wasms`) is loaded once, lazily, on first use. Parsers are cheap and made per call,
 * so concurrent `propose` calls never share one.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Language, type Node, Parser, type Tree } from "web-tree-sitter";

/** Grammars the pattern fixers read. */
export type Grammar = "javascript" | "typescript" | "tsx" | "python" | "java" | "go";

const require = createRequire(import.meta.url);
let runtime: Promise<void> | undefined;
const languages = new Map<Grammar, Promise<Language>>();

/** Loads (once) the grammar's WebAssembly module. */
function language(grammar: Grammar): Promise<Language> {
  let loaded = languages.get(grammar);
  if (!loaded) {
    runtime ??= Parser.init();
    const wasm = join(dirname(require.resolve("tree-sitter-wasms/package.json")), "out", `tree-sitter-${grammar}.wasm`);
    loaded = runtime.then(() => Language.load(wasm));
    languages.set(grammar, loaded);
  }
  return loaded;
}

/** Parses `text` with `grammar`. The caller owns the tree (`tree.delete()` frees it early). */
export async function parseSource(grammar: Grammar, text: string): Promise<Tree> {
  const loaded = await language(grammar);
  const parser = new Parser();
  try {
    parser.setLanguage(loaded);
    const tree = parser.parse(text);
    if (!tree) throw new Error(`tree-sitter could not parse the ${grammar} text`);
    return tree;
  } finally {
    parser.delete();
  }
}

/** The first ERROR or MISSING node of a tree, undefined when the text parses cleanly. */
export function firstSyntaxError(root: Node): Node | undefined {
  if (!root.hasError) return undefined;
  const cursor = root.walk();
  try {
    for (;;) {
      const node = cursor.currentNode;
      if (node.isError || node.isMissing) return node;
      if (node.hasError && cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) if (!cursor.gotoParent()) return root;
    }
  } finally {
    cursor.delete();
  }
}

/** The grammar of a source file by its extension, undefined for files the fixers do not read. */
export function grammarOf(path: string): Grammar | undefined {
  const ext = path.slice(path.lastIndexOf(".") + 1).toLowerCase();
  if (ext === "js" || ext === "mjs" || ext === "cjs" || ext === "jsx") return ext === "jsx" ? "tsx" : "javascript";
  if (ext === "ts" || ext === "mts" || ext === "cts") return "typescript";
  if (ext === "tsx") return "tsx";
  if (ext === "py") return "python";
  if (ext === "java") return "java";
  if (ext === "go") return "go";
  return undefined;
}
