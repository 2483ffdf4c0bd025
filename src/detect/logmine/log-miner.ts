import { Drain, type DrainOptions, type DrainSnapshot, type LogCluster } from "./drain.js";
import { compileLogFormat, type LogFormat } from "./log-format.js";
import { maskTokens, tokenize, WILDCARD } from "./mask.js";

/** Options of a `LogMiner`: an optional header format and the Drain tree's tuning. */
export interface LogMinerOptions extends DrainOptions {
  /** Header format in Loghub's syntax (see `compileLogFormat`); without it the whole line is mined. */
  format?: string | LogFormat;
  /** Characters of a message mined: the rest of a longer one is not read (unbounded by default). */
  maxChars?: number;
  /** Tokens of a message mined: later ones are dropped, so a template has at most this many (unbounded by default). */
  maxTokens?: number;
}

/** The bounds a long-lived miner (a service's log template watcher) mines lines within: its state stays small. */
export const WATCHER_MINED = { maxChars: 2048, maxTokens: 64 } as const;

/** One mined line: its cluster and the pieces needed to render it. */
export interface MinedLine {
  /** The cluster the line joined; its `id` is the line's template id and never changes. */
  cluster: LogCluster;
  /** True when this line created the cluster. */
  isNew: boolean;
  /** False when a format was given and the line did not match it (the whole line was mined). */
  formatMatched: boolean;
  /** Header fields from the format (empty without one). */
  fields: Record<string, string>;
  /** The message tokens before masking (at most `maxTokens`; the template's `<*>` positions are taken from them). */
  tokens: string[];
}

/**
 * Streaming log template miner: splits each line with the header format, tokenises and masks the
 * message (`mask.ts`) and assigns it to a Drain cluster (`drain.ts`). With `maxChars` /
 * `maxTokens` only the start of a message is mined, so a template (and a saved state) is bounded
 * whatever the lines' length. One default
 * configuration serves every log; nothing is tuned per system.
 */
export class LogMiner {
  readonly #format: LogFormat | undefined;
  readonly #drain: Drain;
  readonly #maxChars: number;
  readonly #maxTokens: number;

  constructor(options: LogMinerOptions = {}) {
    const { format, maxChars, maxTokens, ...drain } = options;
    this.#format = typeof format === "string" ? compileLogFormat(format) : format;
    this.#drain = new Drain(drain);
    this.#maxChars = maxChars ?? Number.POSITIVE_INFINITY;
    this.#maxTokens = maxTokens ?? Number.POSITIVE_INFINITY;
  }

  /** Mines one line (without its line terminator). */
  mine(line: string): MinedLine {
    const parsed = this.#format?.parse(line);
    const content = parsed ? parsed.content : line;
    const bounded = content.length > this.#maxChars ? content.slice(0, this.#maxChars) : content;
    const all = tokenize(bounded);
    const tokens = all.length > this.#maxTokens ? all.slice(0, this.#maxTokens) : all;
    const { cluster, isNew } = this.#drain.add(maskTokens(tokens));
    return { cluster, isNew, formatMatched: parsed?.matched ?? true, fields: parsed?.fields ?? {}, tokens };
  }

  /** The Drain tree as plain JSON (the header format is configuration, not state). */
  snapshot(): DrainSnapshot {
    return this.#drain.snapshot();
  }

  /** Rebuilds a miner that has mined nothing from `snapshot` (see `Drain.restore`). */
  restore(snapshot: DrainSnapshot): void {
    this.#drain.restore(snapshot);
  }

  /** The live cluster with this id, if it was not evicted. */
  get(id: string): LogCluster | undefined {
    return this.#drain.get(id);
  }

  /** The live clusters, most frequent first. */
  templates(): LogCluster[] {
    return this.#drain.clusters().sort((a, b) => b.size - a.size || a.id.localeCompare(b.id));
  }
}

/** A cluster's template as text, `<*>` marking the variables. */
export function templateText(cluster: LogCluster): string {
  return cluster.tokens.join(" ");
}

/**
 * The values a line's tokens give to the template's variables, in order: a whole token for a `<*>`
 * position, the pieces between the literal parts for a partly masked token such as `blk_<*>`.
 */
export function templateParams(template: readonly string[], tokens: readonly string[]): string[] {
  const params: string[] = [];
  template.forEach((t, i) => {
    const token = tokens[i] ?? "";
    if (t === WILDCARD) params.push(token);
    else if (t.includes(WILDCARD)) params.push(...pieces(t.split(WILDCARD), token));
  });
  return params;
}

/** Matches literal parts left to right in `token` and returns the text between them. */
function pieces(literals: string[], token: string): string[] {
  const out: string[] = [];
  let at = literals[0]!.length;
  for (let k = 1; k < literals.length; k++) {
    const lit = literals[k]!;
    const end = k === literals.length - 1 ? token.length - lit.length : token.indexOf(lit, at);
    const stop = Math.max(end, at);
    out.push(token.slice(at, stop));
    at = stop + lit.length;
  }
  return out;
}
