/** Small helpers for human CLI output: colours (only on a TTY), durations and tables. */

const useColor = process.stdout.isTTY && !process.env.NO_COLOR;
const wrap = (code: number) => (s: string) => (useColor ? `\x1b[${code}m${s}\x1b[0m` : s);

/** Terminal colours (no-ops when stdout is not a terminal or NO_COLOR is set). */
export const color = { red: wrap(31), green: wrap(32), yellow: wrap(33), blue: wrap(34), dim: wrap(2), bold: wrap(1) };

/** A status word with a symbol and colour, e.g. `✔ success`. */
export function statusLabel(status: string): string {
  switch (status) {
    case "success":
      return color.green("✔ success");
    case "failure":
      return color.red("✖ failure");
    case "cancelled":
      return color.yellow("⊘ cancelled");
    case "skipped":
      return color.dim("↷ skipped");
    case "running":
      return color.blue("▶ running");
    default:
      return color.dim(`… ${status}`);
  }
}

/** Formats milliseconds as `850ms`, `12.3s` or `4m05s`. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms == null || Number.isNaN(ms)) return "-";
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const m = Math.floor(ms / 60_000);
  return `${m}m${String(Math.round((ms % 60_000) / 1000)).padStart(2, "0")}s`;
}

const ANSI = /\x1b\[[0-9;]*m/g;

/** Renders rows as an aligned text table with a header. */
export function table(header: string[], rows: string[][]): string {
  const width = (s: string) => s.replace(ANSI, "").length;
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ""))));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c + " ".repeat(widths[i]! - width(c)))).join("  ");
  return [color.bold(line(header)), ...rows.map(line)].join("\n");
}
