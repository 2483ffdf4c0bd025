import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Command } from "commander";
import { ValidationError } from "../../common/errors.js";
import {
  ChangeTestSelector,
  isTestFileName,
  listRepoFiles,
  MAX_TEST_FILES,
  type SelectionMode,
  type TestSelection,
} from "../../testintel/index.js";
import { resolveRef } from "../../runner/index.js";
import { table } from "../output.js";
import { exitOnBadInput, streams } from "./tests-io.js";

interface SelectOptions {
  repo: string;
  base: string;
  head?: string;
  project?: string;
  tests?: string;
  mode: string;
  json?: boolean;
}

const SELECT_HELP = `
Diffs BASE..HEAD in the checkout DIR and decides for every test file whether the change can
break it. Offline it uses the static import graph of the checkout (JS/TS imports, exports,
require() and import() with literal paths, .js → .ts; Python imports and conftest.py). With
--project NAME it also uses the project's recorded coverage maps (per test file, from V8
coverage or coverage.py) and its stored test history: failure probability, recent failures, and the changed
files that failed together with a test before. A manifest, lock file, build or test
configuration or pipeline change at the root selects everything (in a subdirectory: the tests
under it). So does a changed file that is not documentation and that no import, coverage
or test's text reaches (a snapshot, a template, a setup file): what it affects is unknown.
HEAD must be the checked-out commit (the import graph reads the working tree).

Test files: --tests FILE (one path per line, relative to DIR), else every file of the checkout
named like a test (*.test.*, *.spec.*, __tests__/, test_*.py, *_test.py).
--json prints {base, head, run: [file, ...], decisions: [{file, selected, reason, detail,
probability}], fullRunReason?}. Reasons: new-test, test-changed, config-changed, dependency-changed,
stale-dependencies, no-dependency-data, failed-recently, co-failure, mentions-changed-file,
full-run, unaffected.`;

/** `pitcrew tests select`: the test files a change can break, each with the reason. */
export function registerTestsSelect(tests: Command, program: Command): void {
  tests
    .command("select")
    .description("decide which test files a change (BASE..HEAD) must run, with a reason for each")
    .requiredOption("--repo <dir>", "the git checkout (at HEAD)")
    .requiredOption("--base <rev>", "the base to compare with (PR base, last green commit)")
    .option("--head <rev>", "the change's commit (default: the checked-out HEAD)")
    .option(
      "--project <name>",
      "also use this project's recorded coverage maps and test history (the configured store)",
    )
    .option("--tests <file>", "the test files, one path per line relative to DIR (default: files named like tests)")
    .option(
      "--mode <mode>",
      "select: only the selected files; prioritize: every file, likeliest failures first",
      "select",
    )
    .option("--json", "print the selection as JSON")
    .addHelpText("after", SELECT_HELP)
    .action(async function (this: Command, opts: SelectOptions) {
      const io = streams(this);
      await exitOnBadInput(io, "tests select", async () => {
        if (opts.mode !== "select" && opts.mode !== "prioritize") {
          throw new ValidationError(`--mode must be select or prioritize, got '${opts.mode}'`);
        }
        const repoDir = resolve(opts.repo);
        const checkedOut = await commitOf(repoDir, "HEAD", "--repo");
        const head = opts.head === undefined ? checkedOut : await commitOf(repoDir, opts.head, "--head");
        if (head !== checkedOut) {
          throw new ValidationError(
            `--head ${opts.head} is ${head.slice(0, 12)}, not the checked-out ${checkedOut.slice(0, 12)}: check it out first`,
          );
        }
        const base = await commitOf(repoDir, opts.base, "--base");
        const testFiles =
          opts.tests === undefined
            ? (await listRepoFiles(repoDir)).filter(isTestFileName)
            : await readTestList(opts.tests);
        const request = {
          project: opts.project ?? "",
          repoDir,
          commit: head,
          baseCommit: base,
          testFiles,
          mode: opts.mode as SelectionMode,
        };
        let selection: TestSelection;
        if (opts.project === undefined) selection = await new ChangeTestSelector().select(request);
        else {
          const { openLocalApp } = await import("../open-store.js");
          const app = await openLocalApp(program.opts().config);
          try {
            await app.store.projects.resolve(opts.project);
            selection = await app.testSelection.selector.select(request);
          } finally {
            await app.close();
          }
        }
        if (opts.json) return io.out(`${JSON.stringify({ base, head, ...selection })}\n`);
        io.out(render(selection, base, head));
      });
    });
}

function render(s: TestSelection, base: string, head: string): string {
  const order = new Map(s.run.map((f, i) => [f, i]));
  const rows = [...s.decisions]
    .sort((a, b) => (order.get(a.file) ?? Infinity) - (order.get(b.file) ?? Infinity) || a.file.localeCompare(b.file))
    .map((d) => [d.selected ? "run" : "skip", d.file, (d.probability ?? 0).toFixed(3), d.reason, d.detail]);
  const head1 = `${base.slice(0, 10)}..${head.slice(0, 10)}: ${s.run.length} of ${s.decisions.length} test files to run`;
  const full = s.fullRunReason ? `\nfull run: ${s.fullRunReason}` : "";
  return `${head1}${full}\n${rows.length ? table(["", "test file", "p(fail)", "reason", "why"], rows) : "no test files"}\n`;
}

async function commitOf(repoDir: string, rev: string, flag: string): Promise<string> {
  try {
    return await resolveRef(repoDir, rev);
  } catch (err) {
    throw new ValidationError(
      `${flag} ${rev}: not a commit of the repository at ${repoDir} (${(err as Error).message.split("\n")[0]})`,
    );
  }
}

async function readTestList(file: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new ValidationError(`tests file '${file}' cannot be read (${(err as NodeJS.ErrnoException).code})`);
  }
  const files = [
    ...new Set(
      text
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l !== ""),
    ),
  ];
  if (files.length === 0) throw new ValidationError(`tests file '${file}' lists no test file`);
  if (files.length > MAX_TEST_FILES)
    throw new ValidationError(`tests file '${file}' lists over ${MAX_TEST_FILES} test files`);
  return files;
}
