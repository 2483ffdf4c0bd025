import { ValidationError } from "../common/errors.js";
import { type CoverageOptions, type FileCoverage, workspacePrefixes } from "./file-coverage.js";
import { describeReport, readReportText } from "./report-input.js";
import { toRepoPath } from "./repo-path.js";

const EXPECTED = "an lcov tracefile (SF:/DA:/end_of_record records)";
const RECORDS = new Set(["DA", "BRDA", "FN", "FNDA", "LF", "LH", "BRF", "BRH", "FNF", "FNH"]);

/** Per-file data while reading; records of the same file are merged line by line. */
interface Acc {
  lines: Map<number, number>;
  branches: Map<string, boolean>;
  functions: Map<string, number>;
  /** Summary counts (LF, LH, BRF, BRH, FNF, FNH), used when detailed records are absent. */
  summary: Map<string, number>;
}

/**
 * Parses an lcov tracefile (c8, istanbul/nyc, lcov, gcov). Detailed `DA`/`BRDA`/`FN(DA)` records
 * win over the `LF`/`LH`/… summaries; several records for one file are merged (max hits per line).
 */
export function parseLcov(input: string | Buffer, opts: CoverageOptions = {}): FileCoverage[] {
  const what = describeReport("lcov report", opts.file);
  const text = readReportText(input, what, EXPECTED, opts.maxBytes);
  const files = new Map<string, Acc>();
  let current: Acc | undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "" || line.startsWith("#")) continue;
    if (line === "end_of_record") {
      current = undefined;
      continue;
    }
    const colon = line.indexOf(":");
    const tag = colon < 0 ? line : line.slice(0, colon);
    const value = line.slice(colon + 1);
    if (tag === "SF") {
      const file = toRepoPath(value, workspacePrefixes(opts));
      current = files.get(file) ?? { lines: new Map(), branches: new Map(), functions: new Map(), summary: new Map() };
      files.set(file, current);
      continue;
    }
    if (!RECORDS.has(tag)) continue;
    if (current === undefined)
      throw new ValidationError(`${what} line ${i + 1}: ${tag} record outside an SF: section, expected ${EXPECTED}`);
    if (!readRecord(current, tag, value.split(","))) {
      throw new ValidationError(`${what} line ${i + 1}: malformed ${tag} record '${line.slice(0, 80)}'`);
    }
  }
  if (files.size === 0) throw new ValidationError(`${what} has no SF: records, expected ${EXPECTED}`);
  return [...files].map(([file, acc]) => finish(file, acc));
}

const count = (s: string | undefined): number => (s !== undefined && /^\d+$/.test(s.trim()) ? Number(s) : Number.NaN);

/** Applies one record to the file's data; false when it is malformed. */
function readRecord(acc: Acc, tag: string, parts: string[]): boolean {
  if (tag === "DA") {
    const [line, hits] = [count(parts[0]), Number(parts[1])];
    if (!(line > 0) || !(hits >= 0)) return false;
    acc.lines.set(line, Math.max(acc.lines.get(line) ?? 0, hits));
  } else if (tag === "BRDA") {
    if (parts.length < 4 || !(count(parts[0]) > 0)) return false;
    const taken = parts[3] === "-" ? 0 : Number(parts[3]);
    if (!(taken >= 0)) return false;
    const key = parts.slice(0, 3).join(",");
    acc.branches.set(key, acc.branches.get(key) === true || taken > 0);
  } else if (tag === "FN") {
    const name = parts.slice(parts.length > 2 && count(parts[1]) >= 0 ? 2 : 1).join(",");
    if (!(count(parts[0]) >= 0) || name === "") return false;
    acc.functions.set(name, acc.functions.get(name) ?? 0);
  } else if (tag === "FNDA") {
    const [hits, name] = [count(parts[0]), parts.slice(1).join(",")];
    if (!(hits >= 0) || name === "") return false;
    acc.functions.set(name, Math.max(acc.functions.get(name) ?? 0, hits));
  } else {
    const n = count(parts[0]);
    if (!(n >= 0)) return false;
    acc.summary.set(tag, Math.max(acc.summary.get(tag) ?? 0, n));
  }
  return true;
}

function finish(file: string, acc: Acc): FileCoverage {
  const s = (tag: string) => acc.summary.get(tag) ?? 0;
  const hit = (values: Iterable<number | boolean>) => [...values].filter((v) => v === true || (v as number) > 0).length;
  const result: FileCoverage = {
    file,
    linesTotal: acc.lines.size || s("LF"),
    linesCovered: acc.lines.size ? hit(acc.lines.values()) : s("LH"),
    branchesTotal: acc.branches.size || s("BRF"),
    branchesCovered: acc.branches.size ? hit(acc.branches.values()) : s("BRH"),
  };
  if (acc.functions.size > 0)
    return { ...result, functionsTotal: acc.functions.size, functionsCovered: hit(acc.functions.values()) };
  if (acc.summary.has("FNF")) return { ...result, functionsTotal: s("FNF"), functionsCovered: s("FNH") };
  return result;
}
