import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { PitcrewError, ValidationError } from "../../common/errors.js";
import { flakyTests, type LoadedHistory, loadHistoryDir, parseCandidates, prioritize } from "../../testintel/index.js";
import { formatDuration, table } from "../output.js";

interface HistoryOptions {
  history: string;
  json?: boolean;
}

interface PrioritizeOptions extends HistoryOptions {
  candidates: string;
}

const PRIORITIZE_HELP = `
Learns only from DIR: one JUnit XML file per past run, file names sorting in chronological order
(numbers compared by value). FILE lists one test id per line, 'classname.name' as in the JUnit
<testcase> (blank lines ignored, repeated ids listed once). --json prints {"order": [id, ...]} with
every candidate exactly once.

Order: predicted failure probability per second of expected run time. The probability comes from
the history: a test that failed its last run is as likely to fail again as failures were followed
by failures; otherwise its recency-weighted failure rate (half-life 20 runs); flaky tests are
discounted. A test absent from the history is a new test: it gets the rate at which tests new
during the history failed their first run (0.5 with no such test), so new tests come early.

Exit code 2, with a message naming the file: DIR missing or with no usable run (a malformed,
empty or test-less JUnit file when it is the only one); FILE missing or listing no id; a line with
control characters; an unknown id (one neither in the history nor of the form classname.name).
A malformed run among usable ones is reported on stderr and skipped.`;

/**
 * `pitcrew tests prioritize|flaky --history DIR`: the offline test-intelligence commands, which
 * learn from a directory of past JUnit runs only. Bad input exits with code 2 and a message
 * naming the file; runs skipped as malformed are reported on stderr.
 */
export function registerTestsCommand(program: Command): void {
  const tests = program.command("tests").description("test intelligence: prioritise tests, find flaky ones");

  tests
    .command("prioritize")
    .description("order tests by predicted failure probability per second, from past JUnit runs")
    .requiredOption("--history <dir>", "directory of JUnit XML files, one per past run")
    .requiredOption("--candidates <file>", "file with one test id (classname.name) per line")
    .option("--json", 'print {"order": [id, ...]}')
    .addHelpText("after", PRIORITIZE_HELP)
    .action(async function (this: Command, opts: PrioritizeOptions) {
      const io = streams(this);
      await exitOnBadInput(io, "tests prioritize", async () => {
        const history = await load(opts.history, io);
        const text = await readText(opts.candidates, "candidates file");
        const candidates = parseCandidates(text, opts.candidates, history.model);
        if (candidates.duplicateLines.length > 0) {
          io.err(
            `pitcrew tests prioritize: '${opts.candidates}': repeated ids listed once (lines ${candidates.duplicateLines.slice(0, 10).join(", ")}${candidates.duplicateLines.length > 10 ? ", …" : ""})\n`,
          );
        }
        const ranked = prioritize(history.model, candidates.ids);
        if (opts.json) return io.out(`${JSON.stringify({ order: ranked.map((r) => r.id) })}\n`);
        const rows = ranked.map((r, i) => [
          String(i + 1),
          r.id,
          r.probability.toFixed(3),
          formatDuration(r.durationMs),
          r.reason,
        ]);
        io.out(`${table(["#", "test", "p(fail)", "duration", "why"], rows)}\n`);
      });
    });

  tests
    .command("flaky")
    .description("list flaky tests with their evidence, from past JUnit runs")
    .requiredOption("--history <dir>", "directory of JUnit XML files, one per past run")
    .option("--json", "print {tests: [{id, score, flaky, runs, failures, mixedRuns, blips, evidence}]}")
    .addHelpText(
      "after",
      `
A test is flaky when it failed and passed in the same run (a retry on the same commit), or failed
in one-run blips between passing runs at least twice and more often than in lasting streaks.
Tests with weaker signs are listed with flaky: false.`,
    )
    .action(async function (this: Command, opts: HistoryOptions) {
      const io = streams(this);
      await exitOnBadInput(io, "tests flaky", async () => {
        const history = await load(opts.history, io);
        const list = flakyTests(history.model);
        if (opts.json) return io.out(`${JSON.stringify({ tests: list })}\n`);
        const rows = list.map((t) => [
          t.id,
          t.flaky ? "yes" : "no",
          t.score.toFixed(2),
          `${t.failures}/${t.runs}`,
          t.evidence.at(-1) ?? "",
        ]);
        io.out(
          rows.length
            ? `${table(["test", "flaky", "score", "failed", "latest evidence"], rows)}\n`
            : "no flaky tests\n",
        );
      });
    });
}

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

function streams(cmd: Command): Io {
  const o = cmd.configureOutput();
  return {
    out: o.writeOut ?? ((s: string) => process.stdout.write(s)),
    err: o.writeErr ?? ((s: string) => process.stderr.write(s)),
  };
}

/** Runs `body`; bad input (a validation or size error) prints one line and sets exit code 2. */
async function exitOnBadInput(io: Io, command: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (err) {
    if (!(err instanceof PitcrewError) || err.status >= 500) throw err;
    io.err(`pitcrew ${command}: ${err.message}\n`);
    process.exitCode = 2;
  }
}

/** Loads the history directory and reports the runs it skipped. */
async function load(dir: string, io: Io): Promise<LoadedHistory> {
  const history = await loadHistoryDir(dir);
  for (const s of history.skipped) io.err(`pitcrew tests: skipped run: ${s.message}\n`);
  return history;
}

async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ValidationError(`${what} '${file}' ${code === "ENOENT" ? "does not exist" : `cannot be read (${code})`}`);
  }
}
