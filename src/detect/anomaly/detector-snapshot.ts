/**
 * The serialised state of a streaming detector: plain JSON whose number arrays are packed as
 * base64 float64 (exact, NaN and ±Infinity included, about 11 characters a number), so a detector
 * restored from its snapshot scores a continuation exactly as the original does. Restoring reads
 * every field through the checked readers below and throws a `SnapshotError` on anything missing
 * or of the wrong kind; a detector is always restored into a new instance, so a refused snapshot
 * never leaves a half-restored detector behind.
 */

/** Version of the snapshot format: a snapshot of another format is refused, never half-read. */
export const SNAPSHOT_FORMAT = 1;

/** A detector snapshot cannot be restored: another format or detector settings, or damaged. */
export class SnapshotError extends Error {
  override readonly name = "SnapshotError";
}

/** A detector part that can be saved and restored (into a freshly constructed instance). */
export interface Snapshottable<S> {
  /** Its state as plain JSON. */
  snapshot(): S;
  /** Takes the state of `snapshot` (from `snapshot()` of an instance built with the same sizes). */
  restore(snapshot: S): void;
}

/** Numbers packed as base64 float64, exact. */
export function packFloats(values: readonly number[]): string {
  return Buffer.from(Float64Array.from(values).buffer).toString("base64");
}

/** The numbers of `packFloats`; a SnapshotError when `packed` is not such a string. */
export function unpackFloats(packed: unknown, what: string): number[] {
  if (typeof packed !== "string") throw new SnapshotError(`${what}: expected packed numbers`);
  const bytes = Buffer.from(packed, "base64");
  if (bytes.length % 8 !== 0) throw new SnapshotError(`${what}: packed numbers of a bad length`);
  const out = new Array<number>(bytes.length / 8);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readDoubleLE(8 * i);
  return out;
}

/** `value` as an object (a SnapshotError otherwise). */
export function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new SnapshotError(`${what}: expected an object`);
  }
  return value as Record<string, unknown>;
}

/** Field `key` of `obj` as a number (a SnapshotError otherwise). */
export function numberField(obj: Record<string, unknown>, key: string, what: string): number {
  const v = obj[key];
  if (typeof v !== "number") throw new SnapshotError(`${what}.${key}: expected a number`);
  return v;
}
