/**
 * Attack: another account plants a V8 code cache for the CLI's bundle. V8 accepts a cache made for
 * any source of the same length and runs the code it holds, so `bin/run-bundle.js` reads a cache
 * only when the file and its folder are the user's own, writable by no one else, and neither is a
 * symbolic link; it never writes into a folder that is not. A tiny bundle answers "benign"; the
 * planted cache holds code of the same length answering "EVIL!!" (the control proves it is run
 * when it is the user's own). Also: `--help` and `--version` get caches of their own, never the
 * command's; a used cache is touched, not written again.
 */
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const RUN_BUNDLE = resolve(import.meta.dirname, "../../bin/run-bundle.js");
/** The bundle: prints "benign"; with `deep`, first calls (so compiles) 200 more functions. */
const BENIGN = `${Array.from({ length: 200 }, (_, i) => `function f${i}(n) { return n + ${i}; }`).join("\n")}
exports.main = async (argv) => {
  if (argv.includes("deep")) for (let i = 0; i < 200; i++) eval(\`f\${i}\`)(i);
  console.log("benign");
};
`;
const EVIL = BENIGN.replace('"benign"', '"EVIL!!"');

let root: string;
let bundle: string;
let cache: string;

/** Runs the bundle as `bin/pitcrew.js` does; its output. */
function run(...args: string[]): string {
  const code = `import(${JSON.stringify(RUN_BUNDLE)}).then((m) => m.runBundle(${JSON.stringify(bundle)}, [process.argv[0], "pitcrew", ...process.argv.slice(1)]))`;
  return execFileSync(process.execPath, ["--input-type=module", "-e", code, "--", ...args], {
    env: { ...process.env, XDG_CACHE_HOME: join(root, "cache-home") },
    encoding: "utf8",
  }).trim();
}

/** The cache files in the folder. */
const caches = () => readdirSync(cache).filter((f) => f.endsWith(".bin"));

/** Replaces the one cache with code compiled (`main` too: it is compiled when first called) from EVIL. */
function plant(): string {
  const [name] = caches();
  const file = join(cache, name!);
  const code = `const { Script } = require("node:vm"); const fs = require("node:fs");
    const src = fs.readFileSync(${JSON.stringify(join(root, "evil.cjs"))}, "latin1");
    const s = new Script("(function (exports, require, module, __filename, __dirname) {" + src + "\\n})", { filename: ${JSON.stringify(bundle)} });
    const m = { exports: {} }; s.runInThisContext()(m.exports, require, m, "", ""); m.exports.main([]);
    fs.writeFileSync(${JSON.stringify(`${file}.new`)}, s.createCachedData(), { mode: 0o600 });`;
  writeFileSync(join(root, "evil.cjs"), EVIL);
  execFileSync(process.execPath, ["-e", code]);
  renameSync(`${file}.new`, file);
  return file;
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "pitcrew-codecache-"));
  bundle = join(root, "main.cjs");
  cache = join(root, "cache-home", "pitcrew", "v8");
  writeFileSync(bundle, BENIGN);
  writeFileSync(`${bundle}.sha256`, `${"a".repeat(64)}\n`);
  expect(EVIL.length).toBe(BENIGN.length);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("the CLI's V8 code cache", () => {
  it("runs a planted cache of the user's own (the control), but not one others may write", () => {
    expect(run("go")).toBe("benign");
    const file = plant();
    expect(run("go")).toBe("EVIL!!");
    plant();
    chmodSync(file, 0o666);
    expect(run("go")).toBe("benign");
    expect(statSync(file).mode & 0o777).toBe(0o600); // replaced by the run's own cache
    const planted = readFileSync(plant());
    chmodSync(cache, 0o777);
    expect(run("go")).toBe("benign");
    expect(run("go", "deep")).toBe("benign");
    expect(readFileSync(file)).toEqual(planted); // nothing written into that folder
    expect(readdirSync(cache)).toEqual(caches());
  });

  it("follows no symbolic link to a cache or its folder", () => {
    expect(run("go")).toBe("benign");
    const file = plant();
    const planted = readFileSync(file);
    const elsewhere = join(root, "elsewhere");
    renameSync(cache, elsewhere);
    symlinkSync(elsewhere, cache);
    expect(run("go")).toBe("benign");
    expect(run("go", "deep")).toBe("benign");
    expect(readFileSync(file)).toEqual(planted); // nothing written through the link
    expect(readdirSync(elsewhere)).toHaveLength(1);
    rmSync(cache);
    mkdirSync(cache, { mode: 0o700 });
    symlinkSync(join(elsewhere, basename(file)), file);
    expect(run("go")).toBe("benign");
    expect(lstatSync(file).isFile()).toBe(true); // the run's own cache replaced the link
    expect(readFileSync(join(elsewhere, basename(file)))).toEqual(planted);
  });

  it.skipIf(process.getuid?.() !== 0)("reads no cache owned by another account", () => {
    expect(run("go")).toBe("benign");
    const file = plant();
    chownSync(file, 65534, 65534);
    expect(run("go")).toBe("benign");
    plant();
    chownSync(cache, 65534, 65534);
    expect(run("go")).toBe("benign");
  });

  it("keeps help and version caches apart from the command's, and touches a used one without writing it", () => {
    expect(run("go", "--help")).toBe("benign");
    expect(run("--version")).toBe("benign");
    expect(caches().sort()).toEqual([
      expect.stringMatching(/-go-print\.bin$/),
      expect.stringMatching(/-none-print\.bin$/),
    ]);
    expect(run("go")).toBe("benign");
    const name = caches().find((n) => n.endsWith("-go.bin"));
    expect(name).toBeDefined();
    const file = join(cache, name!);
    const size = statSync(file).size;
    utimesSync(file, new Date(1_000_000), new Date(1_000_000));
    expect(run("go", "deep")).toBe("benign");
    expect(statSync(file).mtimeMs).toBeGreaterThan(Date.now() - 600_000);
    expect(statSync(file).size).toBe(size);
  });

  it("prunes a writer's temporary file older than a minute, not a younger one", () => {
    mkdirSync(cache, { recursive: true, mode: 0o700 });
    const old = join(cache, "x.bin.123.tmp");
    const young = join(cache, "x.bin.124.tmp");
    writeFileSync(old, "");
    writeFileSync(young, "");
    utimesSync(old, new Date(Date.now() - 120_000), new Date(Date.now() - 120_000));
    expect(run("go")).toBe("benign");
    expect(readdirSync(cache).sort()).toEqual([...caches(), "x.bin.124.tmp"].sort());
  });
});
