/**
 * Streaming per-service template statistics: flags a template the first time a service logs it and
 * a template whose count in a time bucket is a burst.
 *
 * Each (service, template) pair has a current bucket (`bucketMs` wide, aligned to the epoch) and an
 * EWMA of its per-bucket count. When a line falls in a later bucket, the finished bucket's count
 * enters the EWMA (`rate = α·count + (1 − α)·rate`) and every skipped empty bucket decays it by
 * (1 − α). A count is a burst when, under a Poisson model with the EWMA as its mean (at least
 * `minRate`), seeing that many or more lines in one bucket has probability below `burstP`, the
 * count is at least `minCount`, and the pair has `warmupBuckets` finished buckets of history. The
 * threshold is computed once per bucket, so each line costs O(1); a burst is reported once per bucket,
 * on the line that crosses it. Lines older than the current bucket count into it (no going back).
 * At most `maxTracked` pairs are kept; the least recently seen is evicted, so a pair that returns
 * after eviction is reported as new again. A service's pairs can be taken out as plain JSON
 * (`snapshot`) and put back (`restore`), so a checkpoint resumes where the counts stopped.
 */
import { poissonTail, poissonThreshold } from "./poisson.js";

/** Tuning of `TemplateStats`; the defaults suit minute buckets of service logs. */
export interface TemplateStatsOptions {
  /** Bucket width in ms (default 60,000). */
  bucketMs?: number;
  /** EWMA weight of the newest bucket (default 0.1). */
  alpha?: number;
  /** Poisson tail probability below which a bucket count is a burst (default 1e-6). */
  burstP?: number;
  /** Smallest count that can be a burst (default 10). */
  minCount?: number;
  /** Floor of the expected count per bucket, so rare templates are not bursts at their second line (default 0.5). */
  minRate?: number;
  /** Finished buckets of history a pair needs before it can burst (default 5). */
  warmupBuckets?: number;
  /** Most (service, template) pairs tracked (default 10,000). */
  maxTracked?: number;
}

/** Something `TemplateStats.observe` noticed about one line. */
export type TemplateEvent =
  | { kind: "new-template"; service: string; templateId: string; at: number }
  | {
      kind: "burst";
      service: string;
      templateId: string;
      /** Start of the bucket (epoch ms). */
      bucketStart: number;
      /** Lines of this template in the bucket so far. */
      count: number;
      /** The EWMA count per bucket it was compared with. */
      expected: number;
      /** P(count or more | expected) under a Poisson model. */
      pValue: number;
    };

/** One (service, template) pair as plain JSON: `[templateId, bucket, count, rate, finished buckets, burst reported 0|1]`. */
export type TemplateStatSnapshot = [string, number, number, number, number, number];

/** What a tracked pair knows now (for explanations). */
export interface TemplateRate {
  /** Start of its current bucket (epoch ms) and the lines of the template in it so far. */
  bucketStart: number;
  count: number;
  /** EWMA count per bucket of its finished buckets, and how many buckets that is. */
  rate: number;
  buckets: number;
}

interface Entry {
  bucket: number;
  count: number;
  rate: number;
  buckets: number;
  threshold: number;
  reported: boolean;
}

/** Per-service template counts in time buckets with new-template and burst detection (see the file comment). */
export class TemplateStats {
  readonly #o: Required<TemplateStatsOptions>;
  readonly #entries = new Map<string, Entry>();

  constructor(options: TemplateStatsOptions = {}) {
    this.#o = {
      bucketMs: 60_000,
      alpha: 0.1,
      burstP: 1e-6,
      minCount: 10,
      minRate: 0.5,
      warmupBuckets: 5,
      maxTracked: 10_000,
      ...options,
    };
  }

  /** Counts one line of `templateId` logged by `service` at `at` (epoch ms); returns what it noticed. */
  observe(service: string, templateId: string, at: number): TemplateEvent[] {
    const key = `${service}\u0000${templateId}`;
    const bucket = Math.floor(at / this.#o.bucketMs);
    const entry = this.#entries.get(key);
    if (!entry) {
      this.#track(key, { bucket, count: 1, rate: 0, buckets: 0, threshold: Infinity, reported: false });
      return [{ kind: "new-template", service, templateId, at }];
    }
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    if (bucket > entry.bucket) this.#roll(entry, bucket);
    entry.count++;
    if (entry.reported || entry.count < entry.threshold) return [];
    entry.reported = true;
    const expected = Math.max(entry.rate, this.#o.minRate);
    return [
      {
        kind: "burst",
        service,
        templateId,
        bucketStart: entry.bucket * this.#o.bucketMs,
        count: entry.count,
        expected,
        pValue: poissonTail(entry.count, expected),
      },
    ];
  }

  /** The EWMA count per bucket of a tracked pair (its finished buckets only), or undefined. */
  rate(service: string, templateId: string): number | undefined {
    return this.#entries.get(`${service}\u0000${templateId}`)?.rate;
  }

  /** What the pair knows now, or undefined when it is not tracked. */
  current(service: string, templateId: string): TemplateRate | undefined {
    const e = this.#entries.get(`${service}\u0000${templateId}`);
    return e && { bucketStart: e.bucket * this.#o.bucketMs, count: e.count, rate: e.rate, buckets: e.buckets };
  }

  /** The pairs of `service` whose template `keep` accepts, least recently seen first, as plain JSON. */
  snapshot(service: string, keep: (templateId: string) => boolean = () => true): TemplateStatSnapshot[] {
    const prefix = `${service}\u0000`;
    const out: TemplateStatSnapshot[] = [];
    for (const [key, e] of this.#entries) {
      if (!key.startsWith(prefix)) continue;
      const id = key.slice(prefix.length);
      if (keep(id)) out.push([id, e.bucket, e.count, e.rate, e.buckets, e.reported ? 1 : 0]);
    }
    return out;
  }

  /** Replaces the pairs of `service` with `pairs` (a `snapshot`); throws a RangeError on a malformed one (nothing replaced). */
  restore(service: string, pairs: readonly TemplateStatSnapshot[]): void {
    for (const p of pairs) {
      if (!Array.isArray(p) || typeof p[0] !== "string" || !p.slice(1).every(Number.isFinite))
        throw new RangeError("not a template stats snapshot");
    }
    this.forget(service);
    for (const p of pairs) {
      const [id, bucket, count, rate, buckets, reported] = p;
      const entry: Entry = { bucket, count, rate, buckets, threshold: Infinity, reported: reported === 1 };
      entry.threshold = this.#threshold(entry);
      this.#track(`${service}\u0000${id}`, entry);
    }
  }

  /** Drops every pair of `service`. */
  forget(service: string): void {
    const prefix = `${service}\u0000`;
    for (const key of [...this.#entries.keys()]) if (key.startsWith(prefix)) this.#entries.delete(key);
  }

  /** How many (service, template) pairs are tracked. */
  get size(): number {
    return this.#entries.size;
  }

  #roll(entry: Entry, bucket: number): void {
    const { alpha } = this.#o;
    const skipped = bucket - entry.bucket - 1;
    const first = entry.buckets === 0;
    entry.rate = first ? entry.count : alpha * entry.count + (1 - alpha) * entry.rate;
    entry.rate *= (1 - alpha) ** Math.min(skipped, 1000);
    entry.buckets += 1 + skipped;
    entry.bucket = bucket;
    entry.count = 0;
    entry.reported = false;
    entry.threshold = this.#threshold(entry);
  }

  /** The count from which the pair's current bucket is a burst. */
  #threshold(entry: Entry): number {
    const { warmupBuckets, minCount, burstP, minRate } = this.#o;
    return entry.buckets < warmupBuckets
      ? Infinity
      : Math.max(minCount, poissonThreshold(Math.max(entry.rate, minRate), burstP));
  }

  #track(key: string, entry: Entry): void {
    this.#entries.set(key, entry);
    if (this.#entries.size > this.#o.maxTracked) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }
}
