import { numberField, record, SnapshotError, type Snapshottable } from "./detector-snapshot.js";
import { SlidingMax, type SlidingMaxSnapshot } from "./sliding-max.js";
import { scoreFromSurprise, surprise } from "./surprise.js";
import type { ComponentDetector, DetectorOutput, StreamingDetector } from "./types.js";

/** What the fused detector returns per sample. */
export interface SeriesOutput extends DetectorOutput {
  /** True on the sample that opens a new anomaly episode with score ≥ the alert threshold. */
  alert: boolean;
  /** Combined p-value of this sample before episode suppression. */
  p: number;
}

/** Settings of the fusion (all lengths in samples). */
export interface EnsembleSettings {
  /** Samples before any score is given (the detectors learn meanwhile). */
  warmup: number;
  /** After a strong sample, a later one only counts in full if it is stronger still within this span. */
  refractory: number;
  /** Score at which a new episode raises an alert. */
  alertThreshold: number;
  /**
   * Samples (counted from the first) during which the detectors still learn while already
   * scoring: a new episode raises an alert only at `learningAlertThreshold` meanwhile (default 0).
   */
  learning?: number;
  /** The conservative alert threshold of the learning period. */
  learningAlertThreshold?: number;
}

/** Serialised `Ensemble`: its settings (checked at restore), position, episode memory and components. */
export interface EnsembleSnapshot {
  settings: EnsembleSettings;
  seen: number;
  recent: SlidingMaxSnapshot;
  /** `[name, snapshot]` of each component, in fusion order. */
  components: [string, Record<string, unknown>][];
}

/** Explanations with p below this are named as contributors. */
const CONTRIBUTOR_P = 0.01;

/**
 * Fuses component detectors into one score. Their calibrated p-values are combined with Simes'
 * test (valid under the positive dependence these detectors share, and it rewards corroboration);
 * the surprise −log10 p maps to a score. Episodes: a sample counts in full only if it is more
 * surprising than every sample of the previous `refractory` samples; otherwise its surprise is
 * halved, so one anomaly yields one alert (NAB, and on-call humans, reward the earliest detection
 * and penalise repeats) unless it keeps getting worse.
 */
export class Ensemble implements StreamingDetector<SeriesOutput>, Snapshottable<EnsembleSnapshot> {
  readonly name = "ensemble";
  readonly #components: ComponentDetector[];
  readonly #settings: EnsembleSettings;
  readonly #recent: SlidingMax;
  #seen = 0;

  constructor(components: ComponentDetector[], settings: EnsembleSettings) {
    this.#components = components;
    this.#settings = settings;
    this.#recent = new SlidingMax(settings.refractory);
  }

  /** Its settings, position, episode memory and every component's state. */
  snapshot(): EnsembleSnapshot {
    return {
      settings: { ...this.#settings },
      seen: this.#seen,
      recent: this.#recent.snapshot(),
      components: this.#components.map((c) => [c.name, c.snapshot()]),
    };
  }

  /**
   * Takes the state of `snapshot()`; a snapshot made with other settings or components is refused
   * (SnapshotError) before anything is read, so call it on a new instance only.
   */
  restore(snapshot: EnsembleSnapshot): void {
    const s = record(snapshot, "ensemble");
    const mine = JSON.stringify(this.#settings);
    if (JSON.stringify(s.settings) !== mine) {
      throw new SnapshotError(`ensemble: saved with settings ${JSON.stringify(s.settings)}, these are ${mine}`);
    }
    const parts = Array.isArray(s.components) ? (s.components as [string, Record<string, unknown>][]) : [];
    const names = this.#components.map((c) => c.name).join(",");
    if (parts.map((p) => (Array.isArray(p) ? p[0] : "?")).join(",") !== names) {
      throw new SnapshotError(`ensemble: saved components differ from ${names}`);
    }
    const seen = numberField(s, "seen", "ensemble");
    this.#recent.restore(s.recent as SlidingMaxSnapshot);
    for (const [i, c] of this.#components.entries()) c.restore(parts[i]![1]);
    this.#seen = seen;
  }

  update(timestampMs: number, value: number): SeriesOutput {
    const outputs = this.#components.map((c) => ({ name: c.name, out: c.update(timestampMs, value) }));
    const ready = outputs.filter((o) => o.out.ready).sort((a, b) => a.out.p - b.out.p);
    const p = simes(ready.map((o) => o.out.p));
    const sigma = surprise(p);
    const features: Record<string, number> = { p, surprise: sigma };
    for (const o of ready) features[`p.${o.name}`] = o.out.p;
    if (this.#seen++ < this.#settings.warmup) {
      return {
        score: 0,
        p,
        alert: false,
        explanation: `learning (${this.#seen}/${this.#settings.warmup} samples)`,
        features,
      };
    }
    const learning = this.#seen <= (this.#settings.learning ?? 0);
    const threshold = Math.max(
      this.#settings.alertThreshold,
      learning ? (this.#settings.learningAlertThreshold ?? 0) : 0,
    );
    const previous = this.#recent.max;
    const age = this.#recent.age;
    this.#recent.push(sigma);
    const fresh = sigma > previous;
    const score = scoreFromSurprise(fresh ? sigma : sigma / 2);
    features.raw = scoreFromSurprise(sigma);
    const named = ready.filter((o, i) => i === 0 || o.out.p < CONTRIBUTOR_P).slice(0, 2);
    let explanation = named.length === 0 ? "detectors still learning" : named.map((o) => o.out.explanation).join("; ");
    if (!fresh && scoreFromSurprise(sigma) >= threshold) {
      explanation += ` (same episode as a stronger sample ${age + 1} samples ago)`;
    }
    if (learning && fresh && score >= this.#settings.alertThreshold && score < threshold) {
      explanation += ` (still learning: an alert needs score ${threshold} until ${this.#settings.learning} samples)`;
    }
    return { score, p, alert: fresh && score >= threshold, explanation, features };
  }
}

/** Simes' combination of p-values sorted ascending: min over j of m·p(j)/j (1 when none). */
export function simes(sorted: number[]): number {
  const m = sorted.length;
  let best = 1;
  sorted.forEach((p, j) => {
    best = Math.min(best, (m * p) / (j + 1));
  });
  return best;
}
