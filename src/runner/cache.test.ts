import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../common/errors.js";
import { createCacheStore, renderCacheKey } from "./cache.js";

function dir(files: Record<string, string> = {}): string {
  const d = mkdtempSync(join(tmpdir(), "pitcrew-cache-"));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(d, rel)), { recursive: true });
    writeFileSync(join(d, rel), text);
  }
  return d;
}

/** A clock the test advances by hand. */
function manualClock(start = 1_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe("renderCacheKey", () => {
  it("substitutes os, arch, matrix values and variables", async () => {
    const key = await renderCacheKey("deps-{{ os }}-{{arch}}-node{{ matrix.node }}-{{ channel }}", {
      workspace: dir(),
      vars: { matrix: { node: "20" }, channel: "stable" },
      os: "linux",
      arch: "x64",
    });
    expect(key).toBe("deps-linux-x64-node20-stable");
    expect(await renderCacheKey("{{ os }}", { workspace: dir() })).toBe(process.platform);
  });

  it("hashes matched files by path and content, and changes when a hashed file changes", async () => {
    const ws = dir({ "package-lock.json": '{"v":1}', "packages/a/package-lock.json": "{}", "README.md": "hi" });
    const render = () =>
      renderCacheKey("deps-{{ hashFiles('package-lock.json', \"packages/*/package-lock.json\") }}", { workspace: ws });
    const first = await render();
    expect(first).toMatch(/^deps-[0-9a-f]{64}$/);
    expect(await render()).toBe(first);
    writeFileSync(join(ws, "README.md"), "unrelated change");
    expect(await render()).toBe(first);
    writeFileSync(join(ws, "packages/a/package-lock.json"), '{"changed":true}');
    const second = await render();
    expect(second).not.toBe(first);
    const swapped = await renderCacheKey("deps-{{ hashFiles('packages/*/package-lock.json', 'package-lock.json') }}", {
      workspace: ws,
    });
    expect(swapped).toBe(second);
    expect(await renderCacheKey("x-{{ hashFiles('none/*.lock') }}", { workspace: ws })).toBe("x-");
  });

  it("rejects unknown placeholders, bad hashFiles arguments and patterns leaving the workspace", async () => {
    const ctx = { workspace: dir(), vars: { matrix: { node: "20" } } };
    const bad: [string, RegExp][] = [
      ["k-{{ matrix.python }}", /unknown placeholder '\{\{ matrix.python \}\}'/],
      ["k-{{ secrets.TOKEN }}", /unknown placeholder/],
      ["k-{{ github.sha }}", /unknown placeholder/],
      ["k-{{ hashFiles(package.json) }}", /hashFiles takes one or more quoted glob patterns/],
      ["k-{{ hashFiles() }}", /hashFiles takes one or more quoted/],
      ["k-{{ hashFiles('../secrets/*') }}", /contains a '..' segment/],
      ["k-{{ hashFiles('/etc/passwd') }}", /is absolute/],
      ["k-{{ os", /unclosed placeholder/],
      ["{{ empty }}", /unknown placeholder/],
    ];
    for (const [template, message] of bad) {
      const err = await renderCacheKey(template, ctx).catch((e: unknown) => e);
      expect(err, template).toBeInstanceOf(ValidationError);
      expect((err as Error).message, template).toMatch(message);
    }
  });
});

describe("createCacheStore", () => {
  it("saves a tar.gz atomically and restores it on an exact hit", async () => {
    const store = dir();
    const cache = createCacheStore(store);
    const ws = dir({
      "node_modules/left-pad/index.js": "module.exports = 1",
      "node_modules/.bin/tool": "#!/bin/sh",
      "src/a.ts": "src",
    });
    const saved = await cache.save({ key: "deps-abc", paths: ["node_modules"], workspace: ws });
    expect(saved.saved).toBe(true);
    expect(saved.size).toBeGreaterThan(0);
    const names = readdirSync(store).sort();
    expect(names).toHaveLength(2);
    expect(names.find((n) => n.endsWith(".json"))).toMatch(/^[0-9a-f]{64}\.json$/);
    expect(names.find((n) => n.endsWith(".tar.gz"))).toMatch(/^[0-9a-f]{64}-[0-9a-f]{16}\.tar\.gz$/);

    const fresh = dir();
    expect(await cache.restore({ key: "deps-abc", restoreKeys: ["deps-"], workspace: fresh })).toEqual({
      hit: "exact",
      key: "deps-abc",
    });
    expect(readFileSync(join(fresh, "node_modules/left-pad/index.js"), "utf8")).toBe("module.exports = 1");
    expect(readFileSync(join(fresh, "node_modules/.bin/tool"), "utf8")).toBe("#!/bin/sh");
    expect(existsSync(join(fresh, "src"))).toBe(false);
  });

  it("does not overwrite an existing key, even when two jobs save at once", async () => {
    const cache = createCacheStore(dir());
    const a = dir({ "out/v.txt": "from a" });
    const b = dir({ "out/v.txt": "from b" });
    const results = await Promise.all([
      cache.save({ key: "k", paths: ["out"], workspace: a }),
      cache.save({ key: "k", paths: ["out"], workspace: b }),
    ]);
    expect(results.filter((r) => r.saved)).toHaveLength(1);
    const winner = results[0]!.saved ? "from a" : "from b";
    expect(await cache.save({ key: "k", paths: ["out"], workspace: dir({ "out/v.txt": "later" }) })).toMatchObject({
      saved: false,
    });
    const fresh = dir();
    await cache.restore({ key: "k", workspace: fresh });
    expect(readFileSync(join(fresh, "out/v.txt"), "utf8")).toBe(winner);
  });

  it("replaces an entry when the save overwrites, and restores only protected entries when asked", async () => {
    const cache = createCacheStore(dir());
    await cache.save({ key: "k", paths: ["out"], workspace: dir({ "out/v.txt": "untrusted" }) });
    const onProtected = dir();
    expect(await cache.restore({ key: "k", restoreKeys: ["k"], workspace: onProtected, protectedOnly: true })).toEqual({
      hit: "miss",
    });
    expect(
      await cache.save({
        key: "k",
        paths: ["out"],
        workspace: dir({ "out/v.txt": "trusted" }),
        overwrite: true,
        protected: true,
      }),
    ).toMatchObject({ saved: true });
    expect(await cache.restore({ key: "k", workspace: onProtected, protectedOnly: true })).toEqual({
      hit: "exact",
      key: "k",
    });
    expect(readFileSync(join(onProtected, "out/v.txt"), "utf8")).toBe("trusted");
  });

  it("falls back to the newest entry matching a restore key, in restore-key order, else misses", async () => {
    const clock = manualClock();
    const cache = createCacheStore(dir(), { clock });
    for (const [key, text] of [
      ["deps-linux-aaa", "old"],
      ["deps-linux-bbb", "newer"],
      ["deps-darwin-ccc", "newest, other os"],
    ]) {
      clock.advance(1000);
      await cache.save({ key: key!, paths: ["v.txt"], workspace: dir({ "v.txt": text! }) });
    }
    const ws = dir();
    const hit = await cache.restore({
      key: "deps-linux-zzz",
      restoreKeys: ["nope-", "deps-linux-", "deps-"],
      workspace: ws,
    });
    expect(hit).toEqual({ hit: "prefix", key: "deps-linux-bbb" });
    expect(readFileSync(join(ws, "v.txt"), "utf8")).toBe("newer");
    expect(await cache.restore({ key: "deps-linux-zzz", restoreKeys: ["deps-"], workspace: dir() })).toEqual({
      hit: "prefix",
      key: "deps-darwin-ccc",
    });
    expect(await cache.restore({ key: "deps-linux-zzz", workspace: dir() })).toEqual({ hit: "miss" });
    expect(await cache.restore({ key: "x", restoreKeys: ["y-"], workspace: dir() })).toEqual({ hit: "miss" });
  });

  it("records lastUsed on restore", async () => {
    const clock = manualClock();
    const store = dir();
    const cache = createCacheStore(store, { clock });
    await cache.save({ key: "k", paths: ["a"], workspace: dir({ a: "1" }) });
    clock.advance(5000);
    await cache.restore({ key: "k", workspace: dir() });
    const index = JSON.parse(readFileSync(join(store, readdirSync(store).find((n) => n.endsWith(".json"))!), "utf8"));
    expect(index).toMatchObject({ key: "k", created: 1000, lastUsed: 6000 });
    expect(index.size).toBeGreaterThan(0);
  });

  it("rejects paths outside the workspace and saves nothing when no path exists", async () => {
    const cache = createCacheStore(dir());
    const outside = dir({ "secret.txt": "s" });
    const ws = dir({ "a.txt": "a" });
    symlinkSync(outside, join(ws, "escape"));
    for (const p of ["../x", "/etc", "a/../../x", "escape"]) {
      await expect(cache.save({ key: `k-${p}`, paths: [p], workspace: ws }), p).rejects.toThrow(ValidationError);
    }
    expect(await cache.save({ key: "k", paths: ["missing", "also/missing"], workspace: ws })).toEqual({
      saved: false,
      size: 0,
    });
    await expect(cache.save({ key: "bad\nkey", paths: ["a.txt"], workspace: ws })).rejects.toThrow(/printable/);
  });

  it("restores links inside the workspace but never links leading out of it", async () => {
    const cache = createCacheStore(dir());
    const ws = dir({ "vendor/lib/real.js": "ok" });
    symlinkSync("lib/real.js", join(ws, "vendor/alias.js"));
    symlinkSync("/etc/passwd", join(ws, "vendor/passwd"));
    symlinkSync("../../..", join(ws, "vendor/up"));
    await cache.save({ key: "links", paths: ["vendor"], workspace: ws });
    const fresh = dir();
    await cache.restore({ key: "links", workspace: fresh });
    expect(readlinkSync(join(fresh, "vendor/alias.js"))).toBe("lib/real.js");
    expect(readFileSync(join(fresh, "vendor/alias.js"), "utf8")).toBe("ok");
    expect(() => lstatSync(join(fresh, "vendor/passwd"))).toThrow();
    expect(() => lstatSync(join(fresh, "vendor/up"))).toThrow();
  });

  it("drops a corrupt entry and carries on", async () => {
    const store = dir();
    const cache = createCacheStore(store);
    await cache.save({ key: "k", paths: ["a"], workspace: dir({ a: "1" }) });
    const archive = readdirSync(store).find((n) => n.endsWith(".tar.gz"))!;
    writeFileSync(join(store, archive), "not a gzip stream at all");
    expect(await cache.restore({ key: "k", workspace: dir() })).toEqual({ hit: "miss" });
    expect(readdirSync(store)).toEqual([]);
    expect((await cache.save({ key: "k", paths: ["a"], workspace: dir({ a: "2" }) })).saved).toBe(true);
  });
});
