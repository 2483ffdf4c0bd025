/**
 * Retention of the built-in TSDB: samples older than `retentionMs` are deleted (and series left
 * empty with them); samples older than `downsampleAfterMs` are replaced by `stepMs` averages
 * (NaN values do not count; a bucket of only NaN stays NaN). A watermark in the settings table
 * (`metrics.downsampled_until`) records how far downsampling got, so each window is done once,
 * at most `maxWindowMs` per call, aligned to `stepMs`.
 */
import type { SeriesRepo } from "../../store/index.js";
import type { SettingsRepo } from "../../store/index.js";

/** Retention settings (ms). */
export interface RetentionOptions {
  retentionMs: number;
  downsampleAfterMs: number;
  stepMs: number;
  maxWindowMs?: number;
}

const WATERMARK = "metrics.downsampled_until";

/** Applies retention and one bounded downsampling window at `now`; returns what it did. */
export async function applyRetention(
  series: SeriesRepo,
  settings: SettingsRepo,
  now: number,
  opts: RetentionOptions,
): Promise<{ deleted: number; downsampled: number; until: number }> {
  const cutoff = now - opts.retentionMs;
  const deleted = await series.deleteBefore(cutoff);
  const done = Number((await settings.get(WATERMARK)) ?? 0);
  const align = (t: number) => Math.floor(t / opts.stepMs) * opts.stepMs;
  const from = align(Math.max(done, cutoff));
  const to = Math.min(align(now - opts.downsampleAfterMs), from + (opts.maxWindowMs ?? 3_600_000));
  if (to <= from) return { deleted, downsampled: 0, until: done };
  const downsampled = await series.downsample(from, to, opts.stepMs);
  await settings.set(WATERMARK, String(to));
  return { deleted, downsampled, until: to };
}
