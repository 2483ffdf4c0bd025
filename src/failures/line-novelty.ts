/**
 * Line-level novelty against a job's successful logs: the cosine distance from a line to its
 * nearest neighbour among the lines those logs printed (logreduce's idea). Template novelty
 * (the log miner) misses a line that joins a template the green runs share because only a word
 * differs (`Compiling module core broken` beside `Compiling module core utils`); this distance sees
 * it. A line is a set of features: its masked tokens (numbers, paths and ids become `<*>`, so a
 * changed count or timestamp is not news), lower-cased, and each pair of neighbouring tokens.
 * The green lines are deduplicated by those features; search goes through an inverted index,
 * starting from the rarest features, with bounded work per query.
 */
import { maskTokens, tokenize } from "../detect/index.js";

/** Most distinct green lines indexed (after deduplication); later ones are ignored. */
export const MAX_INDEXED_LINES = 50_000;
/** Most features taken from one line (a very long line is judged by its start). */
const MAX_FEATURES = 64;
/** Most green lines a query compares exactly. */
const MAX_CANDIDATES = 4_000;

/** How far a line is from everything the green runs printed. */
export interface LineNovelty {
  /** 1 − the cosine similarity to the nearest green line: 0 = printed before, 1 = nothing alike. */
  distance: number;
  /** The nearest green line (as printed), when one shares a feature. */
  nearest?: string;
}

/** An index of the lines of successful logs, answering the nearest-neighbour distance of a line. */
export class LineNoveltyIndex {
  private readonly lines: { text: string; features: Set<string> }[] = [];
  private readonly postings = new Map<string, number[]>();
  private readonly known = new Set<string>();

  /** Adds one green line (already cleaned); duplicates by features cost nothing. */
  add(text: string): void {
    if (this.lines.length >= MAX_INDEXED_LINES) return;
    const features = lineFeatures(text);
    if (features.size === 0) return;
    const key = [...features].join("\u0000");
    if (this.known.has(key)) return;
    this.known.add(key);
    const id = this.lines.length;
    this.lines.push({ text: text.slice(0, 300), features });
    for (const f of features) {
      const list = this.postings.get(f);
      if (list) list.push(id);
      else this.postings.set(f, [id]);
    }
  }

  /** Distinct green lines indexed. */
  get size(): number {
    return this.lines.length;
  }

  /** The distance from `text` to its nearest green line. */
  novelty(text: string): LineNovelty {
    const features = lineFeatures(text);
    if (features.size === 0) return { distance: 0 };
    const lists = [...features]
      .map((f) => this.postings.get(f))
      .filter((l): l is number[] => l !== undefined)
      .sort((a, b) => a.length - b.length);
    const candidates = new Set<number>();
    for (const list of lists) {
      if (candidates.size >= MAX_CANDIDATES) break;
      for (let i = 0; i < list.length && candidates.size < MAX_CANDIDATES; i++) candidates.add(list[i]!);
    }
    let best = 0;
    let nearest: string | undefined;
    for (const id of candidates) {
      const other = this.lines[id]!;
      const similarity = cosine(features, other.features);
      if (similarity > best) {
        best = similarity;
        nearest = other.text;
      }
    }
    const distance = Math.round((1 - best) * 1000) / 1000;
    return nearest === undefined ? { distance } : { distance, nearest };
  }
}

/** A line's features: masked, lower-cased tokens and each pair of neighbours. */
export function lineFeatures(text: string): Set<string> {
  const tokens = maskTokens(tokenize(text).slice(0, MAX_FEATURES / 2)).map((t) => t.toLowerCase());
  const out = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    out.add(tokens[i]!);
    if (i > 0) out.add(`${tokens[i - 1]} ${tokens[i]}`);
  }
  return out;
}

function cosine(a: Set<string>, b: Set<string>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const f of small) if (large.has(f)) shared++;
  return shared / Math.sqrt(a.size * b.size);
}
