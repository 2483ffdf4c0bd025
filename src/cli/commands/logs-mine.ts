import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import type { Command } from "commander";
import {
  compileLogFormat,
  type LogFormat,
  LogMiner,
  type MinedLine,
  templateParams,
  templateText,
} from "../../detect/index.js";
import { table } from "../output.js";

interface MineOptions {
  format?: string;
  json?: boolean;
}

/**
 * `pitcrew logs mine <file|-> [--format FMT] [--json]` (a stable contract other tools call): mines
 * log templates with the streaming Drain miner. FMT is a header format in Loghub's syntax
 * (`<Date> <Time> <Level> <Component>: <Content>`); without it the whole line is the message.
 * `--json` prints one object per input line, in order:
 * `{ line, templateId, template, params, isNew, formatMatched?, fields? }` (`template` uses `<*>`;
 * `formatMatched`/`fields` only with `--format`; a line that does not match is mined whole with
 * `formatMatched: false`). For a file the output is written once the file is read, so every line
 * shows its cluster's final template; for `-` (stdin) each line is written as it is mined, with the
 * template as it is at that moment (ids are the same either way). Without `--json` it prints the
 * templates by count and the number of lines. Exit code 2 for a missing file or a bad format.
 */
export function registerLogsMineCommand(logs: Command): void {
  logs
    .command("mine")
    .description("mine log templates (Drain); '-' reads stdin")
    .argument("<file>", "log file, or '-' for standard input")
    .option("--format <fmt>", "Loghub header format, e.g. '<Date> <Time> <Level> <Component>: <Content>'")
    .option("--json", "one JSON object per input line")
    .action(async function (this: Command, file: string) {
      // With globals: `logs` has its own `--json`, which commander may hand to it instead.
      const opts = this.optsWithGlobals<MineOptions>();
      const out = this.configureOutput();
      const write = out.writeOut ?? ((s: string) => process.stdout.write(s));
      const fail = (message: string) => {
        (out.writeErr ?? ((s: string) => process.stderr.write(s)))(`pitcrew logs mine: ${message}\n`);
        process.exitCode = 2;
      };
      let format: LogFormat | undefined;
      try {
        format = opts.format === undefined ? undefined : compileLogFormat(opts.format);
      } catch (err) {
        return fail((err as Error).message);
      }
      if (file !== "-" && !(await isFile(file))) return fail(`no such file: ${file}`);
      const input = file === "-" ? process.stdin : createReadStream(file);
      const miner = new LogMiner({ format });
      const buffer = new OutputBuffer(write);
      const mined: MinedLine[] = [];
      let n = 0;
      for await (const line of createInterface({ input: input as Readable, crlfDelay: Infinity })) {
        const m = miner.mine(line);
        n++;
        if (!opts.json) continue;
        if (file === "-") write(render(n, m, format !== undefined));
        else mined.push(m);
      }
      mined.forEach((m, i) => {
        buffer.push(render(i + 1, m, format !== undefined));
      });
      if (!opts.json) buffer.push(summary(miner, n));
      buffer.flush();
    });
}

/** One `--json` line. */
function render(line: number, m: MinedLine, withFormat: boolean): string {
  const obj: Record<string, unknown> = {
    line,
    templateId: m.cluster.id,
    template: templateText(m.cluster),
    params: templateParams(m.cluster.tokens, m.tokens),
    isNew: m.isNew,
  };
  if (withFormat) {
    obj.formatMatched = m.formatMatched;
    obj.fields = m.fields;
  }
  return `${JSON.stringify(obj)}\n`;
}

/** The human summary: templates by count, then the totals. */
function summary(miner: LogMiner, lines: number): string {
  const templates = miner.templates();
  const rows = templates.map((c) => [c.id, String(c.size), templateText(c)]);
  const head = rows.length ? `${table(["id", "count", "template"], rows)}\n` : "";
  return `${head}${lines} line${lines === 1 ? "" : "s"}, ${templates.length} template${templates.length === 1 ? "" : "s"}\n`;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Joins small writes into ~64 KiB chunks. */
class OutputBuffer {
  #parts: string[] = [];
  #size = 0;
  constructor(readonly write: (s: string) => void) {}
  push(s: string): void {
    this.#parts.push(s);
    this.#size += s.length;
    if (this.#size >= 65_536) this.flush();
  }
  flush(): void {
    if (this.#parts.length) this.write(this.#parts.join(""));
    this.#parts = [];
    this.#size = 0;
  }
}
