import type { DataItem } from "../../learning/index.js";
import { type CoFailureCommit, countCommit, emptyCoFailure, strongestCoFailure } from "./co-failure.js";
import type { CoFailureSettings } from "./co-failure-settings.js";

/** One commit of the `test-cofailure` data set: what it changed, which test files failed, how many ran. */
export interface CoFailureItem extends DataItem, CoFailureCommit {
  /** Test files with an outcome on the commit (the suite's size as this commit ran it). */
  tests: number;
}

/** What a replay measured for one settings. */
export interface ReplayFigures {
  /** Per scored commit: share of its failing test files caught, minus the share of its suite added for nothing. */
  perItem: number[];
  /** Failing test files the signal selected (and no replayable earlier rule did). */
  caught: number;
  /** Failing test files no replayable earlier rule selected. */
  failing: number;
  /** Test files the signal selected that did not fail. */
  extra: number;
}

/**
 * Replays a project's commits in time as selection would have met them: each commit from `start`
 * on is judged with the co-failure counts of the `commits` commits before it (under each of
 * `settings`), then counted itself, the oldest leaving the window. A commit's failing test files
 * that the earlier rules the store can replay select anyway — the test file itself changed, it
 * failed in one of the `recent` commits before — are left out of both sides (the import graph
 * and recorded coverage need a checkout of each commit and are not replayed).
 */
export class CoFailureReplay {
  readonly #counts = emptyCoFailure();
  readonly #figures: ReplayFigures[];
  #next: number;
  #oldest: number;
  #ms = 0;

  constructor(
    private readonly items: readonly CoFailureItem[],
    private readonly commits: number,
    private readonly settings: readonly CoFailureSettings[],
    start: number,
    private readonly recent: number,
  ) {
    this.#figures = settings.map(() => ({ perItem: [], caught: 0, failing: 0, extra: 0 }));
    this.#oldest = Math.max(0, start - commits);
    for (let i = this.#oldest; i < start; i++) countCommit(this.#counts, items[i]!, 1);
    this.#next = start;
  }

  /** Whether every item has been replayed. */
  get done(): boolean {
    return this.#next >= this.items.length;
  }

  /** The figures so far, one per settings, in their order. */
  get figures(): readonly ReplayFigures[] {
    return this.#figures;
  }

  /** Mean time of judging one commit under one settings, ms. */
  get msPerJudgement(): number {
    const n = this.#figures[0]?.perItem.length ?? 0;
    return n === 0 ? 0 : this.#ms / (n * this.settings.length);
  }

  /** Judges the next commit under every settings, then counts it into the window. */
  step(): void {
    const item = this.items[this.#next]!;
    const t = performance.now();
    this.#judge(item);
    this.#ms += performance.now() - t;
    countCommit(this.#counts, item, 1);
    this.#next++;
    while (this.#next - this.#oldest > this.commits) countCommit(this.#counts, this.items[this.#oldest++]!, -1);
  }

  #judge(item: CoFailureItem): void {
    const selectedAnyway = new Set(item.files);
    for (let i = Math.max(0, this.#next - this.recent); i < this.#next; i++) {
      for (const t of this.items[i]!.failedFiles) selectedAnyway.add(t);
    }
    const failing = [...item.failedFiles].filter((t) => !selectedAnyway.has(t)).length;
    const together = this.#counts.together;
    const changed = item.files.filter((f) => together.has(f));
    const candidates = new Set<string>();
    for (const f of changed) for (const t of together.get(f)!.keys()) if (!selectedAnyway.has(t)) candidates.add(t);
    for (const [k, s] of this.settings.entries()) {
      let caught = 0;
      let extra = 0;
      for (const t of candidates) {
        if (strongestCoFailure(this.#counts, changed, t, s) === undefined) continue;
        if (item.failedFiles.has(t)) caught++;
        else extra++;
      }
      const fig = this.#figures[k]!;
      fig.caught += caught;
      fig.failing += failing;
      fig.extra += extra;
      const suite = Math.max(1, item.tests, caught + extra);
      fig.perItem.push((failing > 0 ? caught / failing : 0) - extra / suite);
    }
  }
}
