/**
 * `pitcrew stack <file|-> [--repo DIR] [--app PREFIX...] [--json]`: reads a stack trace (alone,
 * in noisy logs or in JSON log records), prints the exception, its frames (in-app ones marked
 * `▶`), the ranked suspects and the files they name; with `--repo`, suspects carry the commit that last changed their
 * line. `--json` prints the stable contract of `toStackReport`. Bad input (no trace, binary,
 * unreadable file) is reported in one line with exit code 2.
 */
import { readFile, stat } from "node:fs/promises";
import type { Command } from "commander";
import { ValidationError } from "../../common/errors.js";
import {
  analyzeStack,
  type Frame,
  MAX_TRACE_INPUT_BYTES,
  type StackAnalysis,
  type Suspect,
  toStackReport,
  TraceInputError,
} from "../../diagnose/index.js";
import { color } from "../output.js";

/** Options of `pitcrew stack`. */
interface StackOptions {
  repo?: string;
  app?: string[];
  json?: boolean;
  since?: string;
  release?: string;
  limit?: string;
}

/** Registers `pitcrew stack`. */
export function registerStackCommand(program: Command): void {
  program
    .command("stack")
    .description("find the code and commit behind a stack trace ('-' reads stdin)")
    .argument("<file>", "file with a stack trace or log text, or '-' for stdin")
    .option("--repo <dir>", "repository to map frames into, blame and diff")
    .option("--app <prefix...>", "app package/module prefixes or path roots (e.g. org.acme, src/)")
    .option("--since <days>", "how far back changes count as recent", "30")
    .option("--release <from..to>", "range the last release shipped, e.g. v1.2.0..v1.3.0")
    .option("--limit <n>", "how many suspects to list", "10")
    .option("--json", "print JSON")
    .action(async function (this: Command, file: string, opts: StackOptions) {
      const out = this.configureOutput().writeOut ?? ((s: string) => process.stdout.write(s));
      const err = this.configureOutput().writeErr ?? ((s: string) => process.stderr.write(s));
      try {
        const analysis = await analyzeStack(await readInput(file), {
          repo: opts.repo,
          app: (opts.app ?? []).flatMap((a) => a.split(",")).filter(Boolean),
          sinceDays: positive(opts.since ?? "30", "--since"),
          lastReleaseRange: opts.release ? releaseRange(opts.release) : undefined,
          limit: positive(opts.limit ?? "10", "--limit"),
        });
        out(opts.json ? `${JSON.stringify(toStackReport(analysis), null, 2)}\n` : render(analysis));
        if (!opts.json) for (const w of analysis.warnings) err(`warning: ${w}\n`);
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        err(`pitcrew stack: ${e.message}\n`);
        process.exitCode = 2;
      }
    });
}

/** Reads the trace file (or stdin for `-`), refusing files over the input limit. */
async function readInput(file: string): Promise<Buffer> {
  if (file === "-") {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of process.stdin) {
      size += chunk.length;
      if (size > MAX_TRACE_INPUT_BYTES)
        throw new TraceInputError("too_large", `stdin is over the limit of ${MAX_TRACE_INPUT_BYTES} bytes`);
      chunks.push(Buffer.from(chunk));
    }
    return Buffer.concat(chunks);
  }
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new ValidationError(`${file} is not a file`);
    if (info.size > MAX_TRACE_INPUT_BYTES)
      throw new TraceInputError(
        "too_large",
        `${file} is ${info.size} bytes, over the limit of ${MAX_TRACE_INPUT_BYTES} bytes`,
      );
    return await readFile(file);
  } catch (e) {
    if (e instanceof ValidationError) throw e;
    throw new ValidationError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function positive(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0)
    throw new ValidationError(`${flag} expects a positive whole number, got '${text}'`);
  return n;
}

function releaseRange(text: string): { from: string; to: string } {
  const [from, to, ...rest] = text.split("..");
  if (!from || !to || rest.length)
    throw new ValidationError(`--release expects FROM..TO (e.g. v1.2.0..v1.3.0), got '${text}'`);
  return { from, to };
}

const where = (f: { file: string; line?: number; column?: number }) =>
  `${f.file}${f.line !== undefined ? `:${f.line}` : ""}${f.column !== undefined ? `:${f.column}` : ""}`;

function frameLine(f: Frame): string {
  const text = `${where(f)}${f.function ? `  ${f.module && !f.file.includes(f.function) ? `${f.module.split(/[./]/).pop()}.` : ""}${f.function}` : ""}`;
  return f.inApp ? `  ${color.bold("▶")} ${color.bold(text)}` : `    ${color.dim(text)}`;
}

function suspectLine(s: Suspect, rank: number): string {
  const head = `${String(rank).padStart(2)}. ${s.score.toFixed(2)}  ${where(s)}${s.function ? `  ${s.function}` : ""}`;
  const lines = [color.bold(head), `      ${s.reasons.join("; ")}`];
  if (s.commit) {
    const c = s.commit;
    lines.push(
      `      ${color.yellow(c.sha.slice(0, 10))} ${c.author}, ${c.date.slice(0, 10)}: ${c.summary}${c.release ? ` (shipped in ${c.release})` : " (not in a release yet)"}`,
    );
  }
  return lines.join("\n");
}

/** Human output: exception, frames (in-app marked), causes, suspects. */
function render(a: StackAnalysis): string {
  const out: string[] = [];
  const section = (label: string, t: { exception: { type: string; message: string }; frames: Frame[] }) => {
    out.push(`${label}${color.red(t.exception.type)}${t.exception.message ? `: ${t.exception.message}` : ""}`);
    out.push(...t.frames.map(frameLine));
  };
  section("", a.trace);
  for (const c of a.trace.causes ?? []) section(a.trace.relation === "context" ? "While handling: " : "Caused by: ", c);
  out.push("", color.bold(`Suspects (${a.trace.language}, innermost first; ▶ = in-app):`));
  out.push(...(a.suspects.length ? a.suspects.map((s, i) => suspectLine(s, i + 1)) : ["  none"]));
  if (a.files.length > 1) out.push("", `${color.bold("Files:")} ${a.files.map((f) => f.file).join(", ")}`);
  if (a.otherTraces)
    out.push(
      "",
      color.dim(
        `${a.otherTraces} more trace${a.otherTraces === 1 ? "" : "s"} in the input (showing the first, at line ${a.line})`,
      ),
    );
  return `${out.join("\n")}\n`;
}
