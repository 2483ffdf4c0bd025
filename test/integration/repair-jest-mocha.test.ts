/**
 * Reproduction tests generated for the test framework version in use, run for real with jest 26,
 * jest 29 and mocha 10 installed from the npm registry (cached, see test/support/npm-fixture.ts):
 * an Express-style CommonJS service that prints a plain-text stack and answers 500, whose own test
 * script needs a shell (`echo … && jest`). A reproduction counts only when it fails on the base
 * with the incident's error (type and frame file); one that cannot load counts for nothing.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Patch } from "../../src/repair/fixer.js";
import { provePatch } from "../../src/repair/prove-patch.js";
import { generateReproduction } from "../../src/repair/reproduce/reproduction.js";
import { readServiceProject } from "../../src/repair/reproduce/service-project.js";
import { unifiedDiff } from "../../src/repair/unified-diff.js";
import { npmFixture } from "../support/npm-fixture.js";

const service = (runner: "jest" | "mocha"): Record<string, string> => ({
  "package.json": JSON.stringify({
    name: "clones",
    private: true,
    scripts: { start: "node main.js", test: `echo checking && ${runner}` },
    devDependencies: { [runner]: runner === "jest" ? "*" : "^10" },
  }),
  "main.js": `const http = require("http");
const { cloneOf } = require("./src/clone");

const items = { a: { id: "a" } };
const server = http.createServer((req, res) => {
  try {
    const body = cloneOf(items, req.url.split("/")[2]);
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  } catch (err) {
    console.error(err.stack); // as Express prints it: plain text on stderr
    res.writeHead(500);
    res.end("Internal Server Error");
  }
});
server.listen(Number(process.env.PORT || 8000), process.env.HOST || "127.0.0.1", () => {
  console.log("listening on 127.0.0.1:" + server.address().port);
});
`,
  "src/clone.js": `exports.cloneOf = (items, key) => ({ id: items[key].id, copy: true });
`,
  "test/clone.test.js":
    runner === "jest"
      ? `const { cloneOf } = require("../src/clone");
test("clones an item", () => {
  expect(cloneOf({ a: { id: "a" } }, "a")).toEqual({ id: "a", copy: true });
});
`
      : `const assert = require("assert");
const { cloneOf } = require("../src/clone");
it("clones an item", () => {
  assert.deepStrictEqual(cloneOf({ a: { id: "a" } }, "a"), { id: "a", copy: true });
});
`,
});

/** A committed repository of `files` with `node_modules` linked in (committed, so worktrees have it). */
function repoWith(files: Record<string, string>, nodeModules: string): string {
  const dir = mkdtempSync(join(tmpdir(), "pitcrew-jest-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  symlinkSync(nodeModules, join(dir, "node_modules"));
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, stdio: "pipe" });
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "base");
  return dir;
}

function guard(files: Record<string, string>): Patch {
  const before = files["src/clone.js"]!;
  const edits = [{ path: "src/clone.js", before, after: before.replace("items[key].id", "items[key]?.id") }];
  return {
    fixer: "test",
    kind: "pattern",
    title: "Guard a missing item",
    explanation: "",
    edits,
    diff: unifiedDiff(edits),
  };
}

const signature = { type: "TypeError", file: "clone.js" };
const failing = { request: { method: "GET", path: "/clone/zz", status: 500 } };

describe.each([
  { name: "jest26", spec: "jest@26", runner: "jest" as const },
  { name: "jest29", spec: "jest@29", runner: "jest" as const },
  { name: "mocha10", spec: "mocha@10", runner: "mocha" as const },
])("$spec", ({ name, spec, runner }) => {
  let modules: string;
  beforeAll(async () => {
    modules = await npmFixture(name, spec, runner);
  }, 600_000);

  it("the generated reproduction fails on the base with the incident's error and passes with the patch; the project's shell script runs the suite", async () => {
    const files = service(runner);
    const repoDir = repoWith(files, modules);
    const project = readServiceProject(repoDir);
    expect(project.framework).toBe(runner);
    expect(project.test.slice(0, 2)).toEqual(["sh", "-c"]);
    const reproduction = generateReproduction(project, failing);
    expect(reproduction.path).toBe("test/pitcrew-repro-get-clone-zz.test.js");

    const proof = await provePatch({ repoDir, serviceDir: "", project, reproduction, patch: guard(files), signature });
    expect(proof.onBase?.output).toContain("GET /clone/zz answered 500");
    expect(proof.onBase?.output).toContain("TypeError: Cannot read properties of undefined (reading 'id')");
    expect(proof.onBase?.output).toContain("clone.js:1");
    expect(proof.withPatch.output).toContain("checking"); // the script's first command ran, in a shell
    expect(proof.withPatch.output).toMatch(runner === "jest" ? /Tests:\s+2 passed/ : /2 passing/);
    expect(proof).toMatchObject({ proven: true, reproduced: true });

    // the same failure under another exception's name is not the incident's: not reproduced
    const other = await provePatch({
      repoDir,
      serviceDir: "",
      project,
      reproduction,
      patch: guard(files),
      signature: { type: "RangeError", file: "clone.js" },
    });
    expect(other).toMatchObject({ proven: false, reproduced: false });
    expect(other.reason).toContain("does not name RangeError");
  }, 180_000);

  it.runIf(name === "jest26")(
    "a test that cannot load (a `node:` import on jest 26) reproduces nothing",
    async () => {
      const files = service(runner);
      const repoDir = repoWith(files, modules);
      const project = readServiceProject(repoDir);
      const generated = generateReproduction(project, failing);
      const reproduction = { ...generated, text: generated.text.replace('require("http")', 'require("node:http")') };
      const proof = await provePatch({
        repoDir,
        serviceDir: "",
        project,
        reproduction,
        patch: guard(files),
        signature,
      });
      expect(proof.onBase?.passed).toBe(false);
      expect(proof).toMatchObject({ proven: false, reproduced: false });
      expect(proof.reason).toContain("no 5xx answer in its output");
    },
    180_000,
  );
});
