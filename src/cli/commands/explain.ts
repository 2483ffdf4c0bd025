/**
 * `pitcrew explain FILE [--json] [--limit N]`: explains why a build failed from one raw build log
 * (any CI system's; ANSI escapes, `\r` progress output, timestamps and fold markers are handled),
 * with no history. `--json` prints the stable offline contract:
 * `{"category": "<class>", "lines": [{"line": N, "text": "...", "score": S}, ...]}` — most relevant
 * first, at most 50 lines, `line` 1-based counting `\n` in FILE — plus `confidence`, `totalLines`,
 * and per line its `evidence`. A missing, unreadable, binary or empty file is reported in one line
 * naming it, with exit code 2; a huge file is streamed in bounded memory.
 */
import type { Command } from "commander";
import { ValidationError } from "../../common/errors.js";
import { explainLogFile, type LogExplanation, MAX_EXPLAINED_LINES } from "../../failures/index.js";
import { color } from "../output.js";

/** Registers `pitcrew explain`. */
export function registerExplainCommand(program: Command): void {
  program
    .command("explain")
    .description("why did this build fail: rank the lines of a failed build log and classify the cause")
    .argument("<file>", "one raw build log (GitHub Actions, GitLab, Travis, Jenkins, plain output)")
    .option("--json", 'print {"category", "lines": [{"line", "text", "score"}]} (the stable contract)')
    .option("--limit <n>", `how many lines to list (1–${MAX_EXPLAINED_LINES})`, String(MAX_EXPLAINED_LINES))
    .addHelpText(
      "after",
      [
        "",
        "Classes: test, compile, lint, dependency, infrastructure, timeout, oom, flaky, config, unknown.",
        "Line numbers count '\\n' in FILE (1-based). Exit code 2 when FILE is missing, binary or empty.",
        "With history (a server's runs), use `pitcrew runs why RUN` instead.",
      ].join("\n"),
    )
    .action(async function (this: Command, file: string, opts: { json?: boolean; limit: string }) {
      const out = this.configureOutput().writeOut ?? ((s: string) => process.stdout.write(s));
      const err = this.configureOutput().writeErr ?? ((s: string) => process.stderr.write(s));
      try {
        const limit = Number(opts.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > MAX_EXPLAINED_LINES)
          throw new ValidationError(
            `--limit expects a whole number from 1 to ${MAX_EXPLAINED_LINES}, got '${opts.limit}'`,
          );
        const explanation = await explainLogFile(file, { limit });
        out(opts.json ? `${JSON.stringify(toJson(explanation))}\n` : renderExplanation(file, explanation));
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        err(`pitcrew explain: ${e.message}\n`);
        process.exitCode = 2;
      }
    });
}

/** The offline contract's fields first, then the evidence. */
function toJson(e: LogExplanation) {
  return {
    category: e.category,
    lines: e.lines.map((l) => ({ line: l.line, text: l.text, score: l.score, evidence: l.evidence })),
    confidence: e.confidence,
    votes: e.votes,
    totalLines: e.totalLines,
    truncatedLines: e.truncatedLines,
  };
}

/** An explanation for a terminal: a heading naming `title` and the 20 best lines with their evidence. */
export function renderExplanation(title: string, e: LogExplanation): string {
  const head =
    e.category === "unknown"
      ? `${color.bold(title)}: cause unknown (no error signal in ${e.totalLines} lines)`
      : `${color.bold(title)}: ${color.red(e.category)} failure (confidence ${e.confidence.toFixed(2)}, ${e.totalLines} lines)`;
  const width = String(Math.max(1, ...e.lines.map((l) => l.line))).length;
  const rows = e.lines.slice(0, 20).map((l) => {
    const why = [...l.evidence.signals.slice(0, 2), l.evidence.trace ? `trace ${l.evidence.trace.language}` : ""]
      .filter(Boolean)
      .join(", ");
    return `${color.dim(String(l.line).padStart(width))}  ${l.text.slice(0, 200)}${why ? color.dim(`  [${l.score.toFixed(2)}: ${why}]`) : color.dim(`  [${l.score.toFixed(2)}]`)}`;
  });
  const more = e.lines.length > 20 ? [color.dim(`… ${e.lines.length - 20} more with --json or --limit`)] : [];
  return `${[head, "", ...rows, ...more].join("\n")}\n`;
}
