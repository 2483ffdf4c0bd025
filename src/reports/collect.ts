import { readFile, realpath } from "node:fs/promises";
import { clampedNote } from "./test-duration.js";
import { isPitcrewError, TooLargeError } from "../common/errors.js";
import type { PlanReports } from "../common/plan.js";
import { parseCoverage } from "./coverage.js";
import type { FileCoverage } from "./file-coverage.js";
import { parseJUnit, type TestCase } from "./junit.js";
import { DEFAULT_MAX_REPORT_BYTES } from "./report-input.js";
import { toRepoPath } from "./repo-path.js";
import { assertSafePattern, matchWorkspaceFiles, type WorkspaceFile } from "./workspace-files.js";

/** Options of {@link collectReports}. */
export interface CollectOptions {
  /** Size limit per report file in bytes (default 32 MiB); larger files are not read. */
  maxBytes?: number;
}

/** Everything parsed from a job's report files, plus what went wrong, file by file. */
export interface CollectedReports {
  cases: TestCase[];
  coverage: FileCoverage[];
  /** One human-readable sentence per bad pattern or file; the rest is still collected. */
  problems: string[];
}

/**
 * Finds and parses a job's JUnit and coverage reports inside its workspace. A bad pattern,
 * a pattern matching nothing, an escaping symlink, an oversize or unparsable file each become
 * a `problem` instead of failing the whole collection.
 */
export async function collectReports(
  workspace: string,
  reports: PlanReports,
  opts: CollectOptions = {},
): Promise<CollectedReports> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_REPORT_BYTES;
  const prefixes = [workspace, await realpath(workspace)];
  const out: CollectedReports = { cases: [], coverage: [], problems: [] };
  for (const f of await findReports(workspace, "JUnit", reports.junit, maxBytes, out.problems)) {
    const report = await parseFile(f, "JUnit", out.problems, (data) => parseJUnit(data, { file: f.path, maxBytes }));
    const clamped = report && clampedNote(report.cases);
    if (clamped) out.problems.push(`${f.path}: ${clamped}`);
    for (const c of report?.cases ?? [])
      out.cases.push(c.file === undefined ? c : { ...c, file: toRepoPath(c.file, prefixes) });
  }
  for (const f of await findReports(workspace, "coverage", reports.coverage, maxBytes, out.problems)) {
    const files = await parseFile(f, "coverage", out.problems, (data) =>
      parseCoverage(data, { file: f.path, maxBytes, workspace: prefixes }),
    );
    out.coverage.push(...(files ?? []));
  }
  return out;
}

/** Matches the patterns of one report kind, turning everything unusable into problems. */
async function findReports(
  workspace: string,
  kind: string,
  patterns: readonly string[],
  maxBytes: number,
  problems: string[],
): Promise<WorkspaceFile[]> {
  const usable = patterns.filter((p) => {
    try {
      assertSafePattern(p);
      return true;
    } catch (err) {
      problems.push(`${kind} ${(err as Error).message}`);
      return false;
    }
  });
  if (usable.length === 0) return [];
  const match = await matchWorkspaceFiles(workspace, usable);
  for (const p of match.unmatched) problems.push(`${kind} pattern '${p}' matched no files`);
  for (const s of match.skipped) problems.push(`${kind} report '${s.path}' was skipped: ${s.reason}`);
  return match.files.filter((f) => {
    if (f.size <= maxBytes) return true;
    problems.push(new TooLargeError(`${kind} report '${f.path}'`, f.size, maxBytes).message);
    return false;
  });
}

async function parseFile<T>(
  f: WorkspaceFile,
  kind: string,
  problems: string[],
  parse: (data: Buffer) => T,
): Promise<T | undefined> {
  try {
    return parse(await readFile(f.absPath));
  } catch (err) {
    const message = (err as Error).message;
    problems.push(isPitcrewError(err) ? message : `${kind} report '${f.path}' could not be read: ${message}`);
    return undefined;
  }
}
