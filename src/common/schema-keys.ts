/**
 * The keys a zod object schema allows at a value path (as zod reports issue paths), so an
 * unknown key can be compared against the ones that would have been accepted there.
 */
import { z } from "zod";

/**
 * Keys accepted by the object(s) that `schema` expects at `path`; empty when the path leads to no
 * object with fixed keys. Unions contribute the keys of every object member.
 *
 * @example allowedKeys(pipelineSchema, ["jobs", "build"]) // ["runs-on", "needs", "if", ...]
 */
export function allowedKeys(schema: Schema, path: readonly PropertyKey[]): string[] {
  let level: Schema[] = [schema];
  for (const seg of path) {
    level = level.flatMap(unwrap).flatMap((s) => child(s, seg));
  }
  const keys = new Set<string>();
  for (const s of level.flatMap(unwrap)) {
    if (s instanceof z.core.$ZodObject) for (const k of Object.keys(s._zod.def.shape)) keys.add(k);
  }
  return [...keys];
}

/** Optional, nullable, default and union wrappers → the schemas they hold. */
function unwrap(schema: Schema): Schema[] {
  if (schema instanceof z.core.$ZodOptional || schema instanceof z.core.$ZodNullable) {
    return unwrap(schema._zod.def.innerType);
  }
  if (schema instanceof z.core.$ZodDefault) return unwrap(schema._zod.def.innerType);
  if (schema instanceof z.core.$ZodUnion) return schema._zod.def.options.flatMap(unwrap);
  return [schema];
}

/** The schema of the value at `seg` inside `schema`. */
function child(schema: Schema, seg: PropertyKey): Schema[] {
  if (schema instanceof z.core.$ZodObject) {
    const field = typeof seg === "string" ? schema._zod.def.shape[seg] : undefined;
    return field ? [field] : [];
  }
  if (schema instanceof z.core.$ZodArray) return typeof seg === "number" ? [schema._zod.def.element] : [];
  if (schema instanceof z.core.$ZodRecord) return [schema._zod.def.valueType];
  return [];
}

/** Any zod schema (classic or core). */
type Schema = z.core.$ZodType;
