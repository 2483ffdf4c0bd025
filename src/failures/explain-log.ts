/**
 * Log-only failure analysis: explains one failed job's log from its text alone (no history).
 * `explainLogFile` streams a file; `explainLogText` takes a log already in memory. Both return the
 * ranked lines (`rank-lines.ts`) and the cause class (`classify.ts`) with their evidence.
 */
import { classifyLines } from "./classify.js";
import type { LogExplanation } from "./explanation.js";
import { LogScanner, type ScanLimits } from "./log-scanner.js";
import { rankLines } from "./rank-lines.js";
import { type RawLine, readLogFile, readLogStream } from "./read-log-lines.js";

/** Most lines an explanation lists (the offline contract's bound). */
export const MAX_EXPLAINED_LINES = 50;

/** Most lines a caller that re-ranks with more evidence (server mode) may ask for. */
export const MAX_RERANK_POOL = 200;

/** Options of an explanation. */
export interface ExplainOptions extends ScanLimits {
  /** How many lines to return (default and maximum 50, or up to `MAX_RERANK_POOL` with `pool`). */
  limit?: number;
  /** True for a caller that re-ranks the lines and keeps 50 itself: `limit` may go up to `MAX_RERANK_POOL`. */
  pool?: boolean;
}

/** Explains the log in file `path`, streaming it; throws LogInputError for unusable input. */
export async function explainLogFile(path: string, options: ExplainOptions = {}): Promise<LogExplanation> {
  return explainLines(readLogFile(path), options);
}

/** Explains a log held in memory; `name` is used in error messages. */
export async function explainLogText(
  text: string,
  name = "log",
  options: ExplainOptions = {},
): Promise<LogExplanation> {
  return explainLines(readLogStream([Buffer.from(text)], name), options);
}

/** Explains a stream of raw lines. */
export async function explainLines(
  lines: AsyncIterable<RawLine>,
  options: ExplainOptions = {},
): Promise<LogExplanation> {
  const scanner = new LogScanner(options);
  let truncatedLines = 0;
  for await (const line of lines) {
    if (line.truncated) truncatedLines++;
    scanner.push(line.text);
  }
  const scan = scanner.finish();
  const most = options.pool ? MAX_RERANK_POOL : MAX_EXPLAINED_LINES;
  const limit = Math.min(most, Math.max(1, options.limit ?? MAX_EXPLAINED_LINES));
  const ranked = rankLines(scan, limit);
  return { ...classifyLines(ranked), lines: ranked, totalLines: scan.totalLines, truncatedLines };
}
