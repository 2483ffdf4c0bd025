/**
 * The keys a zod object schema allows at a value path (as zod reports issue paths), so an
 * unknown key can be compared against the ones that would have been accepted there.
 */
// The core classes by name (not `z.core.…`): the bundle then keeps only them, not all of zod's
// core namespace with its locales (src/cli's start-up cost; scripts/bundle-cli.mjs).
import {
  $ZodArray,
  $ZodDefault,
  $ZodNullable,
  $ZodObject,
  $ZodOptional,
  $ZodRecord,
  type $ZodType,
  $ZodUnion,
} from "zod/v4/core";

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
    if (s instanceof $ZodObject) for (const k of Object.keys(s._zod.def.shape)) keys.add(k);
  }
  return [...keys];
}

/** Optional, nullable, default and union wrappers → the schemas they hold. */
function unwrap(schema: Schema): Schema[] {
  if (schema instanceof $ZodOptional || schema instanceof $ZodNullable) {
    return unwrap(schema._zod.def.innerType);
  }
  if (schema instanceof $ZodDefault) return unwrap(schema._zod.def.innerType);
  if (schema instanceof $ZodUnion) return schema._zod.def.options.flatMap(unwrap);
  return [schema];
}

/** The schema of the value at `seg` inside `schema`. */
function child(schema: Schema, seg: PropertyKey): Schema[] {
  if (schema instanceof $ZodObject) {
    const field = typeof seg === "string" ? schema._zod.def.shape[seg] : undefined;
    return field ? [field] : [];
  }
  if (schema instanceof $ZodArray) return typeof seg === "number" ? [schema._zod.def.element] : [];
  if (schema instanceof $ZodRecord) return [schema._zod.def.valueType];
  return [];
}

/** Any zod schema (classic or core). */
type Schema = $ZodType;
