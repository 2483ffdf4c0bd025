import { statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Command } from "commander";
import { hasErrors } from "../../common/diagnostics.js";
import { NotFoundError } from "../../common/errors.js";
import { loadConfig } from "../../common/config/load-config.js";
import { lintPipeline } from "../../pipeline/index.js";
import { renderDiagnostics } from "../render-diagnostics.js";

/** Where `pitcrew lint` looks when no file is given. */
const DEFAULT_FILE = ".pitcrew/pipeline.yaml";

/**
 * `pitcrew lint [file]`: checks a pipeline file and prints its diagnostics the way a compiler
 * does (`file:line:col: error[code]: message` with the source line), then `N errors, M warnings`.
 * A directory means its `.pitcrew/pipeline.yaml`; `-` reads standard input; `--json` prints
 * `{ file, ok, diagnostics }`. Exit code 1 on errors.
 * `runs-on` is checked against the configured `runner.labels`.
 */
export function registerLintCommand(program: Command): void {
  program
    .command("lint")
    .description(`check a pipeline file (default: ${DEFAULT_FILE}; '-' reads stdin)`)
    .argument("[file]", "pipeline file, or a repository directory", DEFAULT_FILE)
    .option("--json", "print JSON")
    .action(async function (this: Command, given: string, opts: { json?: boolean }) {
      // a repository's directory means its pipeline file, as `pitcrew run DIR` reads it
      const file =
        given !== "-" && statSync(given, { throwIfNoEntry: false })?.isDirectory() ? join(given, DEFAULT_FILE) : given;
      const name = file === "-" ? "<stdin>" : file;
      const text = file === "-" ? await readStdin() : await readPipeline(file);
      // The runners' labels come from the config (runner.labels), so `runs-on` is checked against them.
      const runnerLabels = loadConfig({ file: program.opts().config }).config.runner.labels;
      const diagnostics = lintPipeline(text, { file: name, runnerLabels });
      const write = this.configureOutput().writeOut ?? ((s: string) => process.stdout.write(s));
      if (opts.json) write(`${JSON.stringify({ file: name, ok: !hasErrors(diagnostics), diagnostics }, null, 2)}\n`);
      else write(renderDiagnostics(text, diagnostics));
      if (hasErrors(diagnostics)) process.exitCode = 1;
    });
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
