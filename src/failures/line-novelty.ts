/**
 * Line-level novelty against a job's successful logs, for what template novelty misses: a line
 * that joins a log-miner template the green runs share because only a word differs
 * (`Compiling module core broken` beside `Compiling module core utils`). Its novelty is the cosine
 * distance to its nearest neighbour (logreduce's idea) among the green lines of the same template.
 * A line is a set of features: its masked tokens (numbers, paths and ids become `<*>`, so a
 * changed count or timestamp is not news), lower-cased, and each pair of neighbouring tokens.
 * Green lines are kept per template, deduplicated by text and bounded; features are computed only
 * for the templates a query touches, so indexing costs a map insert per line.
 */
import { maskTokens, tokenize } from "../detect/index.js";

/** Most distinct green lines kept in all (later ones are ignored). */
export const MAX_INDEXED_LINES = 50_000;
/** Most distinct green lines kept per template. */
export const MAX_LINES_PER_TEMPLATE = 64;
/** Characters of a green line kept (and compared for duplicates). */
const MAX_LINE_CHARS = 500;
/** Most tokens taken from one line (a very long line is judged by its start). */
const MAX_TOKENS = 32;

/** How far a line is from the green lines of its template. */
export interface LineNovelty {
  /** 1 − the cosine similarity to the nearest green line: 0 = printed before, 1 = nothing alike. */
  distance: number;
  /** The nearest green line (as printed), when one shares a feature. */
  nearest?: string;
}

/** The green lines of each template, answering the nearest-neighbour distance of a line. */
export class LineNoveltyIndex {
  private readonly byTemplate = new Map<string, Set<string>>();
  private readonly features = new Map<string, Set<string>>();
  private count = 0;

  /** Adds one green line (already cleaned) of template `template`. */
  add(template: string, text: string): void {
    if (this.count >= MAX_INDEXED_LINES) return;
    let lines = this.byTemplate.get(template);
    if (!lines) {
      lines = new Set();
      this.byTemplate.set(template, lines);
    }
    const kept = text.slice(0, MAX_LINE_CHARS);
    if (lines.size >= MAX_LINES_PER_TEMPLATE || lines.has(kept)) return;
    lines.add(kept);
    this.count++;
  }

  /** Distinct green lines kept. */
  get size(): number {
    return this.count;
  }

  /** The distance from `text` to its nearest green line of template `template` (1 when it has none). */
  novelty(template: string, text: string): LineNovelty {
    const mine = lineFeatures(text);
    let best = 0;
    let nearest: string | undefined;
    for (const other of this.byTemplate.get(template) ?? []) {
      const similarity = cosine(mine, this.featuresOf(other));
      if (similarity > best) {
        best = similarity;
        nearest = other;
      }
    }
    const distance = Math.round((1 - best) * 1000) / 1000;
    return nearest === undefined ? { distance } : { distance, nearest };
  }

  private featuresOf(text: string): Set<string> {
    let f = this.features.get(text);
    if (!f) {
      f = lineFeatures(text);
      this.features.set(text, f);
    }
    return f;
  }
}

/** A line's features: masked, lower-cased tokens and each pair of neighbours. */
export function lineFeatures(text: string): Set<string> {
  const tokens = maskTokens(tokenize(text).slice(0, MAX_TOKENS)).map((t) => t.toLowerCase());
  const out = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    out.add(tokens[i]!);
    if (i > 0) out.add(`${tokens[i - 1]} ${tokens[i]}`);
  }
  return out;
}

function cosine(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return a.size === b.size ? 1 : 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const f of small) if (large.has(f)) shared++;
  return shared / Math.sqrt(a.size * b.size);
}
