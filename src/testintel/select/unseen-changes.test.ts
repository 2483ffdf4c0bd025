import { rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { commitFiles, createRepo, gitIn } from "../../../test/support/git-repo.js";
import type { SelectionRequest, TestSelection } from "../selection.js";
import { ChangeTestSelector } from "./change-selector.js";

const head = (repo: string) => gitIn(repo, "rev-parse", "HEAD");
const request = (repo: string, commit: string, base: string, testFiles: string[]): SelectionRequest => ({
  project: "demo",
  repoDir: repo,
  commit,
  baseCommit: base,
  testFiles,
  mode: "select",
});
const decision = (s: TestSelection, file: string) => s.decisions.find((d) => d.file === file)!;

/** Commits `files` on top of the repository's head and selects among `tests` for that change. */
async function selectAfter(repo: string, files: Record<string, string>, tests: string[]): Promise<TestSelection> {
  const base = head(repo);
  const commit = commitFiles(repo, files, "change");
  return new ChangeTestSelector().select(request(repo, commit, base, tests));
}

const TESTS = ["test/util.test.mjs", "test/other.test.mjs"];
const BASE = {
  "src/math.mjs": "export const add = (a, b) => a + b;\n",
  "src/util.mjs": 'import { add } from "./math.mjs";\nexport const double = (x) => add(x, x);\n',
  "src/other.mjs": "export const other = () => 42;\n",
  "test/util.test.mjs": 'import { double } from "../src/util.mjs";\n',
  "test/other.test.mjs": 'import { other } from "../src/other.mjs";\nconst input = "fixtures/input.txt";\n',
  "test/fixtures/input.txt": "one\n",
  "test/__snapshots__/util.test.mjs.snap": "exports[`double 1`] = `4`;\n",
  "src/templates/mail.hbs": "Hello {{name}}\n",
};

describe("changes the import graph cannot see through", () => {
  it("select the tests behind a file past the depth limit, a symlink or a component", async () => {
    // the far end of the chain is reached from another test too: the change is seen, but not from deep.test
    const chain: Record<string, string> = {
      "test/deep.test.mjs": 'import "../src/c0.mjs";\n',
      "test/tail.test.mjs": 'import "../src/c69.mjs";\n',
    };
    for (let i = 0; i < 70; i++) chain[`src/c${i}.mjs`] = i < 69 ? `import "./c${i + 1}.mjs";\n` : "export {};\n";
    const repo = createRepo({
      ...BASE,
      ...chain,
      "src/real.mjs": 'import { add } from "./math.mjs";\nexport { add };\n',
      "test/link.test.mjs": 'import { add } from "../src/link.mjs";\n',
      "src/View.vue": '<script>import { other } from "./other.mjs";</script>\n',
      "test/view.test.mjs": 'import View from "../src/View.vue";\n',
    });
    symlinkSync("real.mjs", join(repo, "src/link.mjs"));
    gitIn(repo, "add", "-A");
    gitIn(repo, "commit", "--quiet", "-m", "link");
    const tests = ["test/deep.test.mjs", "test/tail.test.mjs", "test/link.test.mjs", "test/view.test.mjs", ...TESTS];

    const deep = await selectAfter(repo, { "src/c69.mjs": "export const x = 1;\n" }, tests);
    expect(decision(deep, "test/deep.test.mjs")).toMatchObject({ selected: true, reason: "no-dependency-data" });
    expect(decision(deep, "test/util.test.mjs")).toMatchObject({ selected: false, reason: "unaffected" });

    const linked = await selectAfter(repo, { "src/math.mjs": "export const add = (a, b) => b + a;\n" }, tests);
    expect(decision(linked, "test/link.test.mjs")).toMatchObject({
      selected: true,
      reason: "dependency-changed",
      detail: "imports src/math.mjs (changed) through src/link.mjs → src/real.mjs",
    });

    const component = await selectAfter(repo, { "src/other.mjs": "export const other = () => 41;\n" }, tests);
    expect(decision(component, "test/view.test.mjs")).toMatchObject({ selected: true, reason: "no-dependency-data" });
    expect(decision(component, "test/view.test.mjs").detail).toMatch(/src\/View\.vue, whose imports were not read/);
    const docs = await selectAfter(repo, { "README.md": "# demo\n" }, tests);
    expect(docs.run).toEqual([]);
  });

  it("run every test for a snapshot or template no test names, the tests naming a fixture, the importers of a deleted file", async () => {
    const repo = createRepo(BASE);
    const snap = await selectAfter(
      repo,
      { "test/__snapshots__/util.test.mjs.snap": "exports[`double 1`] = `5`;\n" },
      TESTS,
    );
    expect(snap.fullRunReason).toMatch(/^test\/__snapshots__\/util\.test\.mjs\.snap changed and no import/);
    expect(snap.run.sort()).toEqual([...TESTS].sort());

    const template = await selectAfter(repo, { "src/templates/mail.hbs": "Hi {{name}}\n" }, TESTS);
    expect(template.fullRunReason).toMatch(/src\/templates\/mail\.hbs changed/);

    const fixture = await selectAfter(repo, { "test/fixtures/input.txt": "two\n" }, TESTS);
    expect(fixture.fullRunReason).toBeUndefined();
    expect(fixture.run).toEqual(["test/other.test.mjs"]);
    expect(decision(fixture, "test/other.test.mjs").reason).toBe("mentions-changed-file");

    const docs = await selectAfter(repo, { "docs/guide.md": "# guide\n", "notes.txt": "" }, TESTS);
    expect(docs.fullRunReason).toMatch(/^notes\.txt changed/);

    const tools = await selectAfter(
      repo,
      { ".pre-commit-config.yaml": "repos: []\n", "codecov.yml": "coverage: {}\n" },
      TESTS,
    );
    expect(tools.fullRunReason).toBeUndefined();
    expect(tools.run).toEqual([]);
    // a test that names another tool's file still runs when it changes
    const reader = createRepo({ ...BASE, "test/ci.test.mjs": 'const config = "codecov.yml";\n' });
    const named = await selectAfter(reader, { "codecov.yml": "coverage: {}\n" }, [...TESTS, "test/ci.test.mjs"]);
    expect(named.fullRunReason).toBeUndefined();
    expect(named.run).toEqual(["test/ci.test.mjs"]);
    expect(decision(named, "test/ci.test.mjs").reason).toBe("mentions-changed-file");
    // formatters (prettier) read .editorconfig and a format check can be a test: like a linter's
    // configuration it is not inert, so a change no test names runs everything
    const format = await selectAfter(repo, { ".editorconfig": "root = true\n" }, TESTS);
    expect(format.fullRunReason).toMatch(
      /^\.editorconfig changed and no import, recorded coverage or test text reaches it/,
    );
    const checker = createRepo({ ...BASE, "test/style.test.mjs": 'const config = ".editorconfig";\n' });
    const checked = await selectAfter(checker, { ".editorconfig": "root = false\n" }, [
      ...TESTS,
      "test/style.test.mjs",
    ]);
    expect(checked.fullRunReason).toBeUndefined();
    expect(checked.run).toEqual(["test/style.test.mjs"]);
    expect(decision(checked, "test/style.test.mjs").reason).toBe("mentions-changed-file");
    // the same name where a test may read it is not another tool's file
    const underTests = await selectAfter(repo, { "test/fixtures/.pre-commit-config.yaml": "repos: []\n" }, TESTS);
    expect(underTests.fullRunReason).toMatch(/^test\/fixtures\/\.pre-commit-config\.yaml changed and no import/);

    const many = Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`data/f${i}.bin`, `${i}\n`]));
    expect((await selectAfter(repo, many, TESTS)).fullRunReason).toBe(
      "201 changed files no import or recorded coverage reaches (over 200): every test runs",
    );

    const base = head(repo);
    rmSync(join(repo, "src/math.mjs"));
    gitIn(repo, "add", "-A");
    gitIn(repo, "commit", "--quiet", "-m", "delete math");
    const deleted = await new ChangeTestSelector().select(request(repo, head(repo), base, TESTS));
    expect(deleted.fullRunReason).toBeUndefined();
    expect(deleted.run).toEqual(["test/util.test.mjs"]);
    expect(decision(deleted, "test/util.test.mjs").detail).toBe("imports src/math.mjs (changed) through src/util.mjs");
  });
});
