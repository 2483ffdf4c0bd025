/** Durations in `pitcrew.yaml`: a number of seconds or text like `500ms`, `30s`, `5m`, `1h30m`. */
import * as z from "zod";

/** A duration: seconds as a number, or text like `500ms`, `30s`, `5m`, `1h30m`; parsed to milliseconds. */
export const durationSchema = z
  .union([z.number().nonnegative(), z.string().regex(/^(\d+(ms|s|m|h))+$/, "expected a duration like 500ms, 30s, 5m")])
  .transform((v) => (typeof v === "number" ? v * 1000 : parseDuration(v)));

/** Parses `1h30m`, `90s`, `500ms` into milliseconds. */
export function parseDuration(text: string): number {
  let ms = 0;
  for (const m of text.matchAll(/(\d+)(ms|s|m|h)/g)) {
    const n = Number(m[1]);
    ms += m[2] === "ms" ? n : m[2] === "s" ? n * 1000 : m[2] === "m" ? n * 60_000 : n * 3_600_000;
  }
  return ms;
}
