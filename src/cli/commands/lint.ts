import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { type Diagnostic, formatDiagnostic, hasErrors } from "../../common/diagnostics.js";
import { NotFoundError } from "../../common/errors.js";
import { loadConfig } from "../../common/config/load-config.js";
import { lintPipeline } from "../../pipeline/index.js";

/** Where `pitcrew lint` looks when no file is given. */
const DEFAULT_FILE = ".pitcrew/pipeline.yaml";

/**
 * `pitcrew lint [file]`: checks a pipeline file and prints its diagnostics the way a compiler
 * does (`file:line:col: error[code]: message` with the source line), then `N errors, M warnings`.
 * `-` reads standard input; `--json` prints `{ file, ok, diagnostics }`. Exit code 1 on errors.
 * `runs-on` is checked against the configured `runner.labels`.
 */
export function registerLintCommand(program: Command): void {
  program
    .command("lint")
    .description(`check a pipeline file (default: ${DEFAULT_FILE}; '-' reads stdin)`)
    .argument("[file]", "pipeline file", DEFAULT_FILE)
    .option("--json", "print JSON")
    .action(async function (this: Command, file: string, opts: { json?: boolean }) {
      const name = file === "-" ? "<stdin>" : file;
      const text = file === "-" ? await readStdin() : await readPipeline(file);
      // The runners' labels come from the config (runner.labels), so `runs-on` is checked against them.
      const runnerLabels = loadConfig({ file: program.opts().config }).config.runner.labels;
      const diagnostics = lintPipeline(text, { file: name, runnerLabels });
      const write = this.configureOutput().writeOut ?? ((s: string) => process.stdout.write(s));
      if (opts.json) write(`${JSON.stringify({ file: name, ok: !hasErrors(diagnostics), diagnostics }, null, 2)}\n`);
      else write(render(text, diagnostics));
      if (hasErrors(diagnostics)) process.exitCode = 1;
    });
}

/** Diagnostics with the offending source line and a caret under the column, then a summary. */
function render(text: string, diagnostics: Diagnostic[]): string {
  const lines = text.split(/\r?\n/);
  const out: string[] = [];
  for (const d of diagnostics) {
    out.push(formatDiagnostic(d));
    const source = lines[d.line - 1];
    if (source === undefined || source.trim() === "") continue;
    const gutter = String(d.line).length + 2;
    out.push(`${String(d.line).padStart(gutter)} | ${source}`);
    out.push(`${" ".repeat(gutter)} | ${" ".repeat(Math.max(0, d.column - 1))}^`);
  }
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  out.push(`${plural(errors, "error")}, ${plural(warnings, "warning")}`);
  return `${out.join("\n")}\n`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

async function readPipeline(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new NotFoundError("pipeline file", file);
    throw err;
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString("utf8");
}
