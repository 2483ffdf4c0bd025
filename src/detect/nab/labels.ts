import type { AnomalyWindow } from "./types.js";

const NAB_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;

/** Parses NAB's `YYYY-MM-DD HH:MM:SS[.ffffff]` timestamps (naive, read as UTC) to epoch ms. */
export function parseNabTimestamp(text: string): number {
  const m = NAB_TIME.exec(text.trim());
  if (!m) throw new Error(`not a NAB timestamp: '${text}'`);
  const [, y, mo, d, h, mi, s, frac] = m;
  const ms = frac ? Math.floor(Number(frac.padEnd(6, "0")) / 1000) : 0;
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
}

/**
 * Reads NAB's `labels/combined_windows.json` (`{ "<category>/<file>.csv": [[start, end], …] }`)
 * into windows with epoch-ms limits, sorted by start as NAB's labeller writes them.
 */
export function windowsFromJson(json: unknown): Map<string, AnomalyWindow[]> {
  if (json === null || typeof json !== "object") throw new Error("combined windows: expected an object");
  const out = new Map<string, AnomalyWindow[]>();
  for (const [file, windows] of Object.entries(json)) {
    if (!Array.isArray(windows)) throw new Error(`combined windows: '${file}' is not a list`);
    const parsed = windows.map((w: unknown) => {
      if (!Array.isArray(w) || w.length !== 2) throw new Error(`combined windows: bad window in '${file}'`);
      return { start: parseNabTimestamp(String(w[0])), end: parseNabTimestamp(String(w[1])) };
    });
    out.set(
      file,
      parsed.sort((a, b) => a.start - b.start),
    );
  }
  return out;
}
