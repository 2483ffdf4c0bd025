/** A number for explanations: at most 3 significant digits, no exponent for everyday magnitudes. */
export function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const a = Math.abs(n);
  if (a !== 0 && (a >= 1e7 || a < 1e-3)) return n.toExponential(2);
  return String(Number(n.toPrecision(3)));
}

/** A duration for explanations: `45s`, `20min`, `6h`, `2.5 days`. */
export function fmtDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return "?";
  if (ms < 60_000) return `${fmt(ms / 1000)}s`;
  if (ms < 3_600_000) return `${fmt(ms / 60_000)}min`;
  if (ms < 86_400_000) return `${fmt(ms / 3_600_000)}h`;
  const days = ms / 86_400_000;
  return `${fmt(days)} day${days === 1 ? "" : "s"}`;
}

/** `n samples` or, when the cadence is known, the span they cover (`the 2.6-day median`). */
export function fmtSpan(samples: number, cadenceMs: number): string {
  return cadenceMs > 0 ? fmtDuration(samples * cadenceMs) : `${samples}-sample`;
}
