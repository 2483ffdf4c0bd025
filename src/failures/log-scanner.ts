/**
 * Streaming pass over one failed job's log, in bounded memory. Each line is cleaned
 * (`clean-line.ts`), read for error signals (`signals.ts`) and mined into a template
 * (`LogMiner`), so rarity can be known at the end. The scanner keeps:
 *   - the lines with a signal, at most `maxCandidates` (when twice that many pile up, the weakest
 *     and earliest are dropped);
 *   - the last `tailLines` lines, whatever they say (the end of a failed log is where CI systems
 *     print why they stopped), which are also handed to the stack parsers at the end;
 *   - the step each kept line belongs to (a fold, group, section or Travis command opens a step),
 *     so the step that ended with the first failing exit code is known.
 * Nothing else is kept: memory is bounded by those caps, the log miner's cluster cap and the
 * line-length cap, however long the log is.
 */
import { LogMiner, type LogCluster } from "../detect/index.js";
import { cleanLine } from "./clean-line.js";
import { type LineSignals, lineSignals } from "./signals.js";

/**
 * Characters of a line that go to the log miner: the head of a message names its event; a long
 * tail (paths, JSON, argument lists) only slows mining down.
 */
const TEMPLATE_CHARS = 160;

/** Distinct line texts remembered to skip re-reading them (the memo is emptied when full). */
const SEEN_TEXTS = 20_000;

/** Bounds of a scan. */
export interface ScanLimits {
  /** Most signal lines kept (default 5,000). */
  maxCandidates?: number;
  /** Last lines always kept (default 1,000). */
  tailLines?: number;
}

/** A line kept for ranking. */
export interface ScannedLine {
  line: number;
  text: string;
  signals: LineSignals;
  cluster: LogCluster | undefined;
  step: number;
}

/** What a finished scan hands to ranking. */
export interface ScanResult {
  /** Kept lines, by line number, each once. */
  lines: ScannedLine[];
  /** Lines of the log per template of the kept lines. */
  templateCount: (cluster: LogCluster | undefined) => number;
  /** The last lines as text, oldest first, with the line number of the first. */
  tail: { first: number; texts: string[] };
  totalLines: number;
  /**
   * The step of the first exit-code line, or the last step: a job stops at its first failing step;
   * what follows (after-failure hooks, cleanup, the job's own summary) reports, it does not cause.
   */
  failingStep: number;
  steps: number;
}

/** Streaming scanner of one log (see the comment at the top of this file). */
export class LogScanner {
  readonly #miner = new LogMiner();
  readonly #maxCandidates: number;
  readonly #tailLines: number;
  #candidates: ScannedLine[] = [];
  /** Ring buffer of the last lines: line n sits at (n - 1) % tailLines. */
  readonly #tail: ScannedLine[] = [];
  /** Lines per template, counted here because repeated texts skip the miner. */
  readonly #counts = new Map<LogCluster, number>();
  readonly #seen = new Map<string, { signals: LineSignals; cluster: LogCluster | undefined }>();
  #line = 0;
  #step = 0;
  #exitStep = -1;

  constructor(limits: ScanLimits = {}) {
    this.#maxCandidates = limits.maxCandidates ?? 5_000;
    this.#tailLines = limits.tailLines ?? 1_000;
  }

  /** Reads the next raw line (without its `\n`). */
  push(raw: string): void {
    this.#line++;
    const { text, opensStep } = cleanLine(raw);
    if (opensStep) this.#step++;
    const { signals, cluster } = this.#read(text);
    if (cluster) this.#counts.set(cluster, (this.#counts.get(cluster) ?? 0) + 1);
    const scanned: ScannedLine = { line: this.#line, text, signals, cluster, step: this.#step };
    if (this.#exitStep < 0 && signals.rules.includes("exit-code")) this.#exitStep = this.#step;
    if (signals.weight > 0) {
      this.#candidates.push(scanned);
      if (this.#candidates.length >= 2 * this.#maxCandidates) this.#prune();
    }
    this.#tail[(this.#line - 1) % this.#tailLines] = scanned;
  }

  /** Signals and template of a line's text; repeated texts (common in build logs) are read once. */
  #read(text: string): { signals: LineSignals; cluster: LogCluster | undefined } {
    const known = this.#seen.get(text);
    if (known) return known;
    const trimmed = text.trim();
    const read = {
      signals: lineSignals(text),
      cluster: trimmed === "" ? undefined : this.#miner.mine(trimmed.slice(0, TEMPLATE_CHARS)).cluster,
    };
    if (this.#seen.size >= SEEN_TEXTS) this.#seen.clear();
    this.#seen.set(text, read);
    return read;
  }

  /** Lines read so far. */
  get lines(): number {
    return this.#line;
  }

  /** Ends the scan. */
  finish(): ScanResult {
    const tail = [...this.#tail].sort((a, b) => a.line - b.line);
    const byLine = new Map<number, ScannedLine>();
    for (const l of this.#candidates) byLine.set(l.line, l);
    for (const l of tail) if (l.text.trim() !== "") byLine.set(l.line, l);
    return {
      lines: [...byLine.values()].sort((a, b) => a.line - b.line),
      tail: { first: tail[0]?.line ?? 1, texts: tail.map((l) => l.text) },
      templateCount: (cluster) => (cluster ? (this.#counts.get(cluster) ?? 1) : 1),
      totalLines: this.#line,
      failingStep: this.#exitStep >= 0 ? this.#exitStep : this.#step,
      steps: this.#step + 1,
    };
  }

  /** Keeps the strongest `maxCandidates` signal lines, later ones first among equals. */
  #prune(): void {
    const kept = [...this.#candidates]
      .sort((a, b) => b.signals.weight - a.signals.weight || b.line - a.line)
      .slice(0, this.#maxCandidates);
    this.#candidates = kept.sort((a, b) => a.line - b.line);
  }
}
