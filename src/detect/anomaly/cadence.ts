import { packFloats, record, type Snapshottable, unpackFloats } from "./detector-snapshot.js";
import { SortedWindow } from "./sorted-window.js";

/** How many recent gaps the cadence estimate looks at. */
const GAPS = 64;

/** Running estimate of a series' sampling interval: the median of the last 64 positive gaps. */
export class Cadence implements Snapshottable<{ gaps: string; last: string }> {
  readonly #gaps = new SortedWindow(GAPS);
  #last = Number.NaN;

  /** Learns a timestamp (epoch ms). */
  push(timestampMs: number): void {
    const gap = timestampMs - this.#last;
    if (gap > 0) this.#gaps.push(gap);
    this.#last = timestampMs;
  }

  /** The recent gaps and the last timestamp (NaN before any), packed. */
  snapshot(): { gaps: string; last: string } {
    return { gaps: this.#gaps.snapshot(), last: packFloats([this.#last]) };
  }

  /** Takes the state of `snapshot()`. */
  restore(snapshot: { gaps: string; last: string }): void {
    const s = record(snapshot, "cadence");
    const last = unpackFloats(s.last, "cadence.last")[0] ?? Number.NaN;
    this.#gaps.restore(s.gaps as string);
    this.#last = last;
  }

  /** The median gap in ms, or 0 before two samples. */
  get ms(): number {
    return this.#gaps.size === 0 ? 0 : this.#gaps.quantile(0.5);
  }

  /** Number of gaps seen (up to 64). */
  get samples(): number {
    return this.#gaps.size;
  }
}
