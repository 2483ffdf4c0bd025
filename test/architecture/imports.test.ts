/**
 * The layering of docs/architecture.md, enforced: reads every source file under src/ (tests and
 * the browser dashboard aside) and fails on
 * - an import of another domain's internals instead of its `index.ts`,
 * - a lower layer importing a higher one (`cli | server | demo → app → domains → queue | events →
 *   store → common`; a domain never imports app/cli/server, the store never imports a domain),
 * - `process.exit` anywhere below `cli/` (only the entry point decides when the process ends),
 * - a registry keyed by the App (`WeakMap<App, …>`): every part is a field of the App, built once.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = resolve(import.meta.dirname, "../../src");

/** Layer of each top-level folder of src/; a folder not listed is a domain. */
const LAYER: Record<string, number> = { common: 0, store: 1, events: 2, queue: 2, app: 4, cli: 5, server: 5, demo: 5 };
const DOMAIN_LAYER = 3;
const layerOf = (folder: string) => LAYER[folder] ?? DOMAIN_LAYER;

/** Folders whose public surface is their `index.ts` (common is a set of small leaf modules). */
const hasPublicIndex = (folder: string) => folder !== "common" && layerOf(folder) <= DOMAIN_LAYER;

interface Import {
  file: string;
  line: number;
  target: string;
  dynamic: boolean;
}

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (path !== join(SRC, "web")) out.push(...sources(path));
    } else if (/\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name)) out.push(path);
  }
  return out;
}

const STATIC = /^\s*(?:import|export)\s[^;]*?\sfrom\s+"(\.[^"]+)"/gm;
const DYNAMIC = /\bimport\(\s*"(\.[^"]+)"\s*\)/g;

function importsOf(file: string): Import[] {
  const text = readFileSync(file, "utf8");
  const lineAt = (index: number) => text.slice(0, index).split("\n").length;
  const found: Import[] = [];
  for (const [re, dynamic] of [
    [STATIC, false],
    [DYNAMIC, true],
  ] as const) {
    for (const m of text.matchAll(re)) {
      const target = resolve(dirname(file), m[1]!).replace(/\.js$/, ".ts");
      found.push({ file, line: lineAt(m.index ?? 0), target, dynamic });
    }
  }
  return found;
}

const folderOf = (path: string) => relative(SRC, path).split("/")[0]!;
const where = (i: Import) => `${relative(SRC, i.file)}:${i.line} → ${relative(SRC, i.target)}`;

/** Every rule broken by `imports` (empty when the layering holds). */
function violations(imports: Import[]): string[] {
  const out: string[] = [];
  for (const i of imports) {
    const from = folderOf(i.file);
    const to = folderOf(i.target);
    if (from === to) continue;
    if (layerOf(to) > layerOf(from) || (layerOf(from) < DOMAIN_LAYER && layerOf(to) === layerOf(from))) {
      out.push(`upward: ${where(i)} (${from} may not import ${to})`);
    }
    // a dynamic import loads an optional adapter on demand (e.g. the Redis bus), so it may name the module itself
    if (!i.dynamic && hasPublicIndex(to) && relative(SRC, i.target) !== `${to}/index.ts`) {
      out.push(`past index.ts: ${where(i)} (import from ${to}/index.ts)`);
    }
  }
  return out;
}

const files = sources(SRC);

describe("the architecture", () => {
  it("has an index.ts for every domain", () => {
    const folders = readdirSync(SRC).filter((n) => statSync(join(SRC, n)).isDirectory() && n !== "web");
    expect(folders.filter((f) => hasPublicIndex(f) && !existsSync(join(SRC, f, "index.ts")))).toEqual([]);
  });

  it("imports other domains only through their index.ts, and never a higher layer", () => {
    expect(violations(files.flatMap(importsOf))).toEqual([]);
  });

  it("calls process.exit only in cli/", () => {
    const callers = files
      .filter((f) => folderOf(f) !== "cli")
      .filter((f) => /\bprocess\.exit\s*\(/.test(readFileSync(f, "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "")));
    expect(callers.map((f) => relative(SRC, f))).toEqual([]);
  });

  it("keeps no registry keyed by the App (its parts are typed fields built once)", () => {
    const registries = files.filter((f) => /\b(Weak)?Map<\s*App\b/.test(readFileSync(f, "utf8")));
    expect(registries.map((f) => relative(SRC, f))).toEqual([]);
  });

  it("catches what it is meant to catch", () => {
    const at = (file: string, target: string, dynamic = false): Import => ({
      file: join(SRC, file),
      line: 1,
      target: join(SRC, target),
      dynamic,
    });
    expect(
      violations([
        at("heal/a.ts", "deploy/delivery.ts"),
        at("heal/a.ts", "app/app.ts"),
        at("store/a.ts", "heal/index.ts"),
        at("store/a.ts", "events/index.ts"),
        at("app/a.ts", "cli/output.ts"),
        at("common/a.ts", "store/index.ts"),
      ]),
    ).toHaveLength(6);
    expect(
      violations([
        at("heal/a.ts", "deploy/index.ts"),
        at("heal/a.ts", "store/index.ts"),
        at("heal/a.ts", "common/errors.ts"),
        at("app/a.ts", "events/redis/redis-bus.ts", true),
        at("cli/a.ts", "app/app.ts"),
        at("server/a.ts", "heal/index.ts"),
      ]),
    ).toEqual([]);
  });
});
