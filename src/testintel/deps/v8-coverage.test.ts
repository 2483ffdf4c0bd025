import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readV8Coverage } from "./v8-coverage.js";

describe("readV8Coverage", () => {
  let root: string;
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** A repository and a real V8 coverage directory with one process that ran its test file and a source. */
  const setup = () => {
    root = realpathSync(mkdtempSync(join(tmpdir(), "pitcrew-v8cov-")));
    const repo = join(root, "repo");
    const real = join(root, "elsewhere");
    mkdirSync(repo);
    mkdirSync(real);
    const script = (path: string) => ({ url: `file://${join(repo, path)}`, functions: [{ ranges: [{ count: 1 }] }] });
    writeFileSync(join(real, "coverage-1.json"), JSON.stringify({ result: [script("a.test.js"), script("src/a.js")] }));
    return { repo, real };
  };
  const isTest = (f: string) => f.endsWith(".test.js");

  it("maps each test file to the repository files its process ran", async () => {
    const { repo, real } = setup();
    const { deps } = await readV8Coverage(repo, real, isTest);
    expect([...deps.get("a.test.js")!]).toEqual(["src/a.js"]);
  });

  it("refuses a coverage directory the job replaced by a symlink to a directory elsewhere", async () => {
    const { repo, real } = setup();
    const link = join(root, "coverage");
    symlinkSync(real, link);
    await expect(readV8Coverage(repo, link, isTest)).rejects.toThrow(
      `coverage directory '${link}' is a symlink or not a directory, not read`,
    );
    writeFileSync(join(root, "file"), "");
    await expect(readV8Coverage(repo, join(root, "file"), isTest)).rejects.toThrow(/is a symlink or not a directory/);
  });
});
