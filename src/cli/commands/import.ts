/**
 * `pitcrew import FILE [-o .pitcrew/pipeline.yaml] [--json]`: converts a GitHub Actions
 * workflow or a `.gitlab-ci.yml` into a pitcrew pipeline. The input is only read, never run.
 * What has no pitcrew equivalent is printed as diagnostics (at the input's line and column) and
 * kept in the output as `# pitcrew import:` comments; the output is linted before it is written.
 * Exit code 1 when nothing could be converted or the converted pipeline does not lint.
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { type Command, Option } from "commander";
import { hasErrors } from "../../common/diagnostics.js";
import { NotFoundError, ValidationError } from "../../common/errors.js";
import { type ForeignFormat, importPipeline } from "../../pipeline/index.js";
import { renderDiagnostics } from "../render-diagnostics.js";

const DEFAULT_OUTPUT = ".pitcrew/pipeline.yaml";

/** Registers `pitcrew import`. */
export function registerImportCommand(program: Command): void {
  program
    .command("import")
    .description("convert a GitHub Actions workflow or a .gitlab-ci.yml into a pitcrew pipeline")
    .argument("<file>", "the workflow file (.github/workflows/*.yml or .gitlab-ci.yml)")
    .option("-o, --output <file>", `where to write the pipeline ('-' prints it)`, DEFAULT_OUTPUT)
    .addOption(
      new Option("--format <format>", "the input's format (detected by default)").choices([
        "github-actions",
        "gitlab-ci",
      ]),
    )
    .option("--force", "overwrite an existing output file")
    .option("--json", "print { file, format, ok, output, pipeline, diagnostics, lint } instead of writing")
    .action(async function (
      this: Command,
      file: string,
      opts: { output: string; format?: ForeignFormat; force?: boolean; json?: boolean },
    ) {
      const text = await readInput(file);
      const result = importPipeline(text, { file, format: opts.format });
      const ok = result.pipeline !== undefined && !hasErrors(result.diagnostics) && !hasErrors(result.lint);
      const write = this.configureOutput().writeOut ?? ((s: string) => process.stdout.write(s));
      if (opts.json) {
        write(
          `${JSON.stringify({ file, format: result.format ?? null, ok, pipeline: result.pipeline ?? null, diagnostics: result.diagnostics, lint: result.lint }, null, 2)}\n`,
        );
      } else {
        write(renderDiagnostics(text, result.diagnostics));
        if (result.pipeline !== undefined) {
          if (opts.output === "-") write(result.pipeline);
          else {
            if (existsSync(opts.output) && !opts.force) {
              throw new ValidationError(
                `${opts.output} already exists; pass --force to overwrite it or -o to write elsewhere`,
              );
            }
            await mkdir(dirname(opts.output), { recursive: true });
            await writeFile(opts.output, result.pipeline);
            write(
              `wrote ${opts.output} (jobs: ${result.jobs.join(", ")}); review the '# pitcrew import:' comments in it\n`,
            );
          }
          if (result.lint.length)
            write(
              `lint of the converted pipeline:\n${renderDiagnostics(
                result.pipeline,
                result.lint.map((d) => ({ ...d, file: opts.output })),
              )}`,
            );
        }
      }
      if (!ok) process.exitCode = 1;
    });
}

async function readInput(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new NotFoundError("workflow file", file);
    throw err;
  }
}
