/**
 * Error recovery for the lint stage, the way a compiler keeps going after a bad declaration: the
 * parts of a pipeline that failed the schema are cut out so the rules can still check the rest,
 * and the scopes that lost something are remembered so no rule reports a consequence of the cut.
 *
 * - an unknown key is deleted: nothing depends on it, so nothing is tainted (a misspelt `steps:`
 *   leaves the job without steps, so that job's `no-steps` is dropped);
 * - an invalid value inside a job deletes that job-level key and taints it (`jobs.build.retries`),
 *   or the whole job for the keys other settings read (`steps`, `matrix`, `needs`, `timeout`);
 *   a job that is not a map becomes an empty job, so `needs` on it still hold;
 * - an invalid top-level section (`on`, `env`, …) is deleted and tainted.
 */
import type * as z from "zod";
import { isPlainObject } from "../../common/plain-object.js";

/** A pipeline value with its invalid parts removed, and the dotted scopes that lost something. */
export interface PrunedPipeline {
  value: Record<string, unknown>;
  /** Dotted path prefixes, e.g. `jobs.build` or `on`, whose diagnostics would be consequences. */
  tainted: string[];
  /** Jobs left without steps by an unknown key (a misspelt `steps:`). */
  stepless: string[];
}

/** Job keys that other settings of the job read: cutting one taints the whole job. */
const JOB_WIDE = ["steps", "matrix", "needs", "timeout"];

/** Removes what `issues` point at; undefined when the document as a whole is unusable. */
export function pruneInvalid(value: unknown, issues: readonly z.core.$ZodIssue[]): PrunedPipeline | undefined {
  if (!isPlainObject(value)) return undefined;
  const root: Record<string, unknown> = structuredClone(value);
  const tainted = new Set<string>();
  const stepless: string[] = [];
  for (const issue of issues) {
    const path = issue.path.map((seg) => (typeof seg === "symbol" ? String(seg) : seg));
    if (issue.code === "unrecognized_keys") {
      const holder = at(root, path);
      if (isPlainObject(holder)) for (const k of issue.keys) delete holder[k];
      // `stpes:` leaves a job without steps: saying so too would repeat the typo.
      if (path.length === 2 && path[0] === "jobs" && isPlainObject(holder) && !("steps" in holder)) {
        stepless.push(String(path[1]));
      }
      continue;
    }
    const [top, job, key] = path;
    if (top === undefined) return undefined;
    if (top === "jobs" && job !== undefined) {
      const jobs = root.jobs;
      if (!isPlainObject(jobs)) return undefined;
      const spec = jobs[String(job)];
      const wide = key === undefined || !isPlainObject(spec) || JOB_WIDE.includes(String(key));
      tainted.add(wide ? `jobs.${String(job)}` : `jobs.${String(job)}.${String(key)}`);
      if (key === undefined || !isPlainObject(spec)) jobs[String(job)] = null;
      else delete spec[String(key)];
      continue;
    }
    if (top === "jobs") return undefined;
    tainted.add(String(top));
    delete root[String(top)];
  }
  return { value: root, tainted: [...tainted], stepless };
}

/** True when a diagnostic at dotted `path` lies inside one of the tainted scopes. */
export function isTainted(path: string | undefined, tainted: readonly string[]): boolean {
  if (path === undefined) return false;
  return tainted.some((t) => path === t || path.startsWith(`${t}.`) || path.startsWith(`${t}[`));
}

function at(root: unknown, path: readonly (string | number)[]): unknown {
  let node = root;
  for (const seg of path) {
    if (isPlainObject(node)) node = node[String(seg)];
    else if (Array.isArray(node) && typeof seg === "number") node = node[seg];
    else return undefined;
  }
  return node;
}
