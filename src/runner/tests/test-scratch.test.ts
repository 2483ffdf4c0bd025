import {
  chownSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createTestScratch } from "./test-scratch.js";
import { V8_FLUSH_FILE, v8Flush } from "./v8-flush.js";

const root = process.getuid?.() === 0;

describe("a test step's scratch folder", () => {
  it("holds the list and the preload, written before the folder is handed over, and nothing is written later", async () => {
    const base = mkdtempSync(join(tmpdir(), "pitcrew-scratch-"));
    const tmp = join(base, "tmp");
    mkdirSync(tmp);
    // as root, TMPDIR belongs to the step user (nobody) like a sandboxed job's
    if (root) chownSync(tmp, 65534, 65534);
    const scratch = await createTestScratch(tmp, 0, ["test/a.test.mjs", "test/b.test.mjs"], [V8_FLUSH_FILE]);
    const preload = join(scratch.dir, V8_FLUSH_FILE.name);
    expect(readFileSync(scratch.listFile, "utf8")).toBe("test/a.test.mjs\ntest/b.test.mjs\n");
    expect(readFileSync(preload, "utf8")).toBe(V8_FLUSH_FILE.text);
    const owner = lstatSync(tmp);
    for (const path of [scratch.dir, scratch.listFile, preload]) {
      const st = lstatSync(path);
      expect([path, st.uid, st.gid]).toEqual([path, owner.uid, owner.gid]);
    }
    // the job now owns the folder and swaps it for a symlink to a directory of its choosing:
    // the preload's path is handed out, but nothing more is written (into the target) by pitcrew
    const target = join(base, "elsewhere");
    mkdirSync(target);
    renameSync(scratch.dir, join(tmp, "moved"));
    symlinkSync(target, scratch.dir);
    const flush = v8Flush(scratch);
    expect(flush.env.PITCREW_V8_FLUSH).toBe(preload);
    expect(flush.wrap("npm test")).toBe(
      'export NODE_OPTIONS="${NODE_OPTIONS:+$NODE_OPTIONS }--require \\"$PITCREW_V8_FLUSH\\""\nnpm test',
    );
    expect(readdirSync(target)).toEqual([]);
  });

  it("refuses a scratch file name that is not a plain name, before creating anything", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "pitcrew-scratch-"));
    for (const name of ["../escape.cjs", "files.txt", ".hidden", "a/b", ""]) {
      await expect(createTestScratch(tmp, 0, [], [{ name, text: "x" }])).rejects.toThrow(
        /cannot be a scratch file's name/,
      );
    }
    expect(readdirSync(tmp)).toEqual([]);
  });
});
