/**
 * Matrix expansion with GitHub Actions semantics:
 * 1. the cartesian product of the axes (every key except `include` / `exclude`);
 * 2. `exclude` rows remove every combination matching all of the row's key/values;
 * 3. each `include` row is merged into every remaining combination whose *axis* values it does
 *    not contradict (values added by earlier includes may be overwritten); a row that fits no
 *    combination becomes a combination of its own (and is not extended by later rows).
 */
import type { MatrixRow, MatrixSpec, MatrixValue } from "../spec/schema.js";

/** Most jobs one matrix may expand to. */
export const MAX_MATRIX_JOBS = 256;
/** Above this many raw combinations the product is not even built. */
const MAX_PRODUCT = 65_536;

/** One matrix combination, values as strings. */
export type MatrixCombo = Record<string, string>;

/** The result of expanding a matrix. */
export interface MatrixExpansion {
  /** Combinations, in axis order (one empty combination when there is no matrix). */
  combos: MatrixCombo[];
  /** Number of combinations (may exceed `combos.length` when the product was too large to build). */
  count: number;
  /** Every key the matrix declares (axes, then keys only `include` rows add). */
  keys: string[];
  /** Indexes of `exclude` rows that matched no combination. */
  unmatchedExcludes: number[];
}

/** Expands a job's matrix into its combinations. */
export function expandMatrix(matrix: MatrixSpec | undefined): MatrixExpansion {
  if (!matrix) return { combos: [{}], count: 1, keys: [], unmatchedExcludes: [] };
  const { include = [], exclude = [], ...rest } = matrix;
  const axes = Object.entries(rest).map(([k, vs]) => [k, ((vs ?? []) as MatrixValue[]).map(String)] as const);
  const keys = [...new Set([...axes.map(([k]) => k), ...include.flatMap((row) => Object.keys(row))])];
  const product = axes.reduce((n, [, vs]) => n * vs.length, axes.length ? 1 : 0);
  if (product > MAX_PRODUCT) return { combos: [], count: product + include.length, keys, unmatchedExcludes: [] };

  let base: MatrixCombo[] = axes.length ? [{}] : [];
  for (const [key, values] of axes) base = base.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));

  const excludes = exclude.map(stringify);
  const unmatchedExcludes = excludes.flatMap((row, i) => (base.some((c) => matchesAll(row, c)) ? [] : [i]));
  base = base.filter((c) => !excludes.some((row) => matchesAll(row, c)));

  const added: MatrixCombo[] = base.map(() => ({}));
  const extra: MatrixCombo[] = [];
  for (const row of include.map(stringify)) {
    let merged = false;
    base.forEach((orig, i) => {
      if (Object.entries(row).every(([k, v]) => !(k in orig) || orig[k] === v)) {
        for (const [k, v] of Object.entries(row)) if (!(k in orig)) added[i]![k] = v;
        merged = true;
      }
    });
    if (!merged) extra.push(row);
  }
  const combos = dedupe([...base.map((orig, i) => ({ ...orig, ...added[i] })), ...extra]);
  return { combos, count: combos.length, keys, unmatchedExcludes };
}

/** The plan key of a matrix combination: `test` or `test (node: 20, os: linux)`. */
export function matrixJobKey(name: string, combo: MatrixCombo): string {
  const parts = Object.entries(combo).map(([k, v]) => `${k}: ${v}`);
  return parts.length ? `${name} (${parts.join(", ")})` : name;
}

function stringify(row: MatrixRow): MatrixCombo {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, String(v)]));
}

function matchesAll(row: MatrixCombo, combo: MatrixCombo): boolean {
  return Object.entries(row).every(([k, v]) => combo[k] === v);
}

function dedupe(combos: MatrixCombo[]): MatrixCombo[] {
  const seen = new Set<string>();
  return combos.filter((c) => {
    const key = JSON.stringify(Object.entries(c).sort());
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
