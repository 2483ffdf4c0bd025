import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import type { Command } from "commander";
import { NotFoundError } from "../../common/errors.js";
import { createSeriesDetector, DEFAULT_WINDOW, EARLY_WARMUP } from "../../detect/index.js";
import { CsvRowError, readSeriesRows } from "../../detect/index.js";

interface DetectOptions {
  json?: boolean;
  threshold: string;
  window?: string;
  warmup?: string;
}

/**
 * `pitcrew detect <csv|->`: scores a `timestamp,value` file row by row with the same streaming
 * detector the server feeds metrics to. `--json` prints one `{ timestamp, value, score, explanation }`
 * object per data row, in order; otherwise rows scoring at least `--threshold` and a summary.
 * A bad row stops with `line N: …` on stderr and exit code 2 (rows before it are already printed).
 */
export function registerDetectCommand(program: Command): void {
  program
    .command("detect")
    .description("score a timestamp,value CSV for anomalies ('-' reads stdin)")
    .argument("<csv>", "CSV file with timestamp,value rows (header optional)")
    .option("--json", "print one JSON object per row")
    .option("--threshold <score>", "human output: print rows scoring at least this", "0.5")
    .option("--window <samples>", `detector memory M in samples (default ${DEFAULT_WINDOW}, as the server's)`)
    .option("--warmup <samples>", `samples scored 0 while learning (default ${EARLY_WARMUP}, or the window if smaller)`)
    .action(async function (this: Command, file: string, opts: DetectOptions) {
      const out = this.configureOutput();
      const write = out.writeOut ?? ((s: string) => process.stdout.write(s));
      const writeErr = out.writeErr ?? ((s: string) => process.stderr.write(s));
      const threshold = number(opts.threshold, "--threshold", 0, 1);
      // unset options keep the detector's defaults: the same detector the server's anomaly watch runs
      const window = opts.window === undefined ? undefined : number(opts.window, "--window", 32, 1e6);
      const warmup = opts.warmup === undefined ? undefined : number(opts.warmup, "--warmup", 0, 1e9);
      const detector = createSeriesDetector({ window, warmup });
      const input = file === "-" ? process.stdin : createReadStream(file, "utf8");
      const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
      const summary = { rows: 0, flagged: 0, alerts: 0, max: { score: -1, timestamp: "" } };
      const backwards: number[] = [];
      try {
        for await (const row of readSeriesRows(lines)) {
          if (row.backwards) backwards.push(row.line);
          const r = detector.update(row.timestampMs, row.value);
          const timestamp = new Date(row.timestampMs).toISOString();
          const score = Number(r.score.toFixed(6));
          summary.rows++;
          if (r.alert) summary.alerts++;
          if (score > summary.max.score) summary.max = { score, timestamp };
          if (opts.json) {
            write(`${JSON.stringify({ timestamp, value: row.value, score, explanation: r.explanation })}\n`);
          } else if (score >= threshold) {
            summary.flagged++;
            write(`${timestamp}  ${String(row.value).padStart(10)}  ${score.toFixed(3)}  ${r.explanation}\n`);
          }
        }
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new NotFoundError("CSV file", file);
        if (!(err instanceof CsvRowError)) throw err;
        writeErr(`pitcrew detect: ${file === "-" ? "<stdin>" : file}: ${err.message}\n`);
        process.exitCode = 2;
        return;
      }
      if (backwards.length) {
        const where = backwards.slice(0, 5).join(", ") + (backwards.length > 5 ? ", …" : "");
        writeErr(
          `pitcrew detect: warning: ${backwards.length} row(s) go back in time (line ${where}); scored in file order\n`,
        );
      }
      if (!opts.json) {
        const max =
          summary.max.score >= 0 ? `; highest score ${summary.max.score.toFixed(3)} at ${summary.max.timestamp}` : "";
        write(`${summary.rows} rows, ${summary.flagged} at or above ${threshold}, ${summary.alerts} alerts${max}\n`);
      }
    });
}

function number(text: string, flag: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < min || n > max) throw new Error(`${flag} must be a number from ${min} to ${max}`);
  return n;
}
