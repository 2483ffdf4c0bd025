/** Values a PromQL expression evaluates to at one instant, and label helpers the operators share. */
import type { Labels, Point } from "../../../store/index.js";
import type { Matcher } from "./ast.js";

/** One element of an instant vector. */
export interface Sample {
  labels: Labels;
  v: number;
}

/** A series with its points (a range vector element, or a range query's result series). */
export interface Series {
  labels: Labels;
  points: Point[];
}

/** What an expression evaluates to at one instant. */
export type Value =
  | { type: "scalar"; v: number }
  | { type: "vector"; samples: Sample[] }
  | { type: "matrix"; series: Series[] };

/** Labels without `__name__`. */
export function dropName(labels: Labels): Labels {
  const { __name__: _, ...rest } = labels;
  return rest;
}

/** A stable key of a label set (sorted), for grouping and matching. */
export function labelsKey(labels: Labels): string {
  return JSON.stringify(
    Object.keys(labels)
      .sort()
      .map((k) => [k, labels[k]]),
  );
}

/** Labels kept (`on`/`by`) or removed (`ignoring`/`without`). */
export function pickLabels(labels: Labels, names: string[], keep: boolean): Labels {
  const out: Labels = {};
  for (const [k, v] of Object.entries(labels)) if (names.includes(k) === keep) out[k] = v;
  return out;
}

const regexes = new Map<string, RegExp>();

/** True when `labels` satisfy every matcher (a missing label is the empty string, as in Prometheus). */
export function matchesAll(labels: Labels, matchers: Matcher[]): boolean {
  for (const m of matchers) {
    const v = labels[m.name] ?? "";
    if (m.op === "=" && v !== m.value) return false;
    if (m.op === "!=" && v === m.value) return false;
    if (m.op === "=~" || m.op === "!~") {
      let re = regexes.get(m.value);
      if (!re) {
        re = new RegExp(`^(?:${m.value})$`, "s");
        if (regexes.size > 1000) regexes.clear();
        regexes.set(m.value, re);
      }
      if (re.test(v) !== (m.op === "=~")) return false;
    }
  }
  return true;
}
