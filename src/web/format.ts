/** Small formatters for times, durations and ratios as the dashboard prints them. */

/** `2026-11-23 09:14:02` in local time, or `—`. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** A duration in ms as `850 ms`, `12.3 s`, `4 min 5 s` or `2 h 10 min`; `—` for null. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
  return `${Math.floor(ms / 3_600_000)} h ${Math.round((ms % 3_600_000) / 60_000)} min`;
}

/** The time between two ISO instants (the second defaulting to now). */
export function between(start: string | null, end: string | null): string {
  if (!start) return "—";
  return formatDuration((end ? Date.parse(end) : Date.now()) - Date.parse(start));
}

/** How long ago an ISO instant was, as `12.3 s ago` or `4 min 5 s ago`; `—` for null. */
export function formatAgo(iso: string | null | undefined): string {
  return iso ? `${formatDuration(Math.max(0, Date.now() - Date.parse(iso)))} ago` : "—";
}

/** A share in [0, 1] as a percentage, or `—`. */
export function formatPercent(share: number | null | undefined): string {
  return share == null ? "—" : `${(share * 100).toFixed(1)} %`;
}

/** A per-second rate as `0.25 /s`, `3.4 /s` or `120 /s`. */
export function formatRate(perSecond: number): string {
  const a = Math.abs(perSecond);
  return `${a >= 100 ? Math.round(perSecond) : perSecond.toFixed(a >= 10 ? 1 : 2)} /s`;
}

/** A latency in seconds as `0.4 ms`, `85 ms` or `1.25 s`. */
export function formatSeconds(seconds: number): string {
  const ms = seconds * 1000;
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${seconds.toFixed(2)} s`;
}
