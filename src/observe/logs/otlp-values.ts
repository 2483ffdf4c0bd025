/**
 * OTLP/JSON building blocks shared by logs and traces: `AnyValue`, `KeyValue` lists and
 * nanosecond timestamps (strings or numbers of unix nanos), with zod schemas that name the
 * failing path.
 */
import * as z from "zod";

/** An OTLP AnyValue as JSON encodes it (exactly one of the fields is set). */
export type AnyValue = {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number | string;
  bytesValue?: string;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
};
/** An OTLP attribute. */
export type KeyValue = { key: string; value?: AnyValue };

/** Schema of an AnyValue. */
export const anyValueSchema: z.ZodType<AnyValue> = z.lazy(() =>
  z.object({
    stringValue: z.string().optional(),
    boolValue: z.boolean().optional(),
    intValue: z.union([z.string().regex(/^-?\d+$/, "an integer"), z.number().int()]).optional(),
    doubleValue: z.union([z.number(), z.string()]).optional(),
    bytesValue: z.string().optional(),
    arrayValue: z.object({ values: z.array(anyValueSchema).optional() }).optional(),
    kvlistValue: z.object({ values: z.array(keyValueSchema).optional() }).optional(),
  }),
);

/** Schema of a KeyValue. */
export const keyValueSchema: z.ZodType<KeyValue> = z.lazy(() =>
  z.object({ key: z.string().max(1000), value: anyValueSchema.optional() }),
);

/** Schema of unix nanoseconds (a decimal string or a number). */
export const unixNanoSchema = z.union([
  z.string().regex(/^\d{1,20}$/, "unix nanoseconds as a decimal string"),
  z.number().nonnegative(),
]);

/** Schema of a `resource` (only its attributes matter here). */
export const resourceSchema = z.object({ attributes: z.array(keyValueSchema).optional() }).optional();

/** An AnyValue as a plain JSON value. */
export function fromAnyValue(v: AnyValue | undefined): unknown {
  if (!v) return null;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return Number(v.doubleValue);
  if (v.bytesValue !== undefined) return v.bytesValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(fromAnyValue);
  if (v.kvlistValue) return fromAttributes(v.kvlistValue.values);
  return null;
}

/** A KeyValue list as an object. */
export function fromAttributes(kvs: KeyValue[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of kvs ?? []) out[kv.key] = fromAnyValue(kv.value);
  return out;
}

/** Unix nanos as epoch ms (undefined for 0 or absent). */
export function nanosToMs(n: string | number | undefined): number | undefined {
  if (n === undefined) return undefined;
  const ms = typeof n === "number" ? Math.floor(n / 1e6) : Number(BigInt(n) / 1_000_000n);
  return ms > 0 ? ms : undefined;
}

/** Unix nanos as a bigint (0n when absent). */
export function nanos(n: string | number | undefined): bigint {
  if (n === undefined) return 0n;
  return typeof n === "number" ? BigInt(Math.floor(n)) : BigInt(n);
}

/** The zod issues of a failed parse as one sentence naming each failing path. */
export function describeIssues(error: z.ZodError, root: string): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${[root, ...i.path].join(".")}: ${i.message}`)
    .join("; ");
}
