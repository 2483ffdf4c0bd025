import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { PitcrewError, ValidationError } from "../common/errors.js";
import { DEFAULT_MAX_REPORT_BYTES, parseJUnit } from "../reports/index.js";
import { HistoryModel, type HistoryModelOptions } from "./history-model.js";
import { runFromCases } from "./test-run.js";

/** Most files read from one history directory. */
export const MAX_HISTORY_FILES = 100_000;

/** A run file that was left out, and why. */
export interface SkippedRun {
  file: string;
  message: string;
}

/** A history directory read into a model. */
export interface LoadedHistory {
  model: HistoryModel;
  /** Run files learnt from, oldest first. */
  files: string[];
  skipped: SkippedRun[];
}

const byName = new Intl.Collator("en", { numeric: true });

/**
 * Reads a directory of JUnit XML files, one per past run, into a {@link HistoryModel}. Every
 * regular file not starting with a dot is a run; names sort chronologically, compared with
 * numbers by value (`run-9` before `run-10`). A malformed, empty or test-less file is skipped and
 * listed in `skipped`; a missing directory, or one where no file is a usable run, is a
 * ValidationError naming it (and the first bad file).
 */
export async function loadHistoryDir(dir: string, opts: HistoryModelOptions = {}): Promise<LoadedHistory> {
  let entries: import("node:fs").Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT" ? "does not exist" : code === "ENOTDIR" ? "is not a directory" : `cannot be read (${code})`;
    throw new ValidationError(`history directory '${dir}' ${why}`);
  }
  const names = entries
    .filter((e) => (e.isFile() || e.isSymbolicLink()) && !e.name.startsWith("."))
    .map((e) => e.name)
    .sort(byName.compare);
  if (names.length > MAX_HISTORY_FILES) {
    throw new ValidationError(
      `history directory '${dir}' holds ${names.length} files, over the limit of ${MAX_HISTORY_FILES}`,
    );
  }
  const model = new HistoryModel(opts);
  const files: string[] = [];
  const skipped: SkippedRun[] = [];
  for (const name of names) {
    const file = join(dir, name);
    try {
      const info = await stat(file);
      if (!info.isFile()) continue;
      if (info.size > DEFAULT_MAX_REPORT_BYTES) {
        throw new ValidationError(
          `JUnit report '${file}' is ${info.size} bytes, over the limit of ${DEFAULT_MAX_REPORT_BYTES} bytes`,
        );
      }
      const report = parseJUnit(await readFile(file), { file });
      if (report.cases.length === 0) throw new ValidationError(`JUnit report '${file}' has no test cases`);
      model.add(runFromCases(name, report.cases));
      files.push(file);
    } catch (err) {
      if (!(err instanceof PitcrewError)) throw err;
      skipped.push({ file, message: err.message });
    }
  }
  if (files.length === 0) {
    const first = skipped[0];
    throw new ValidationError(
      first === undefined
        ? `history directory '${dir}' holds no JUnit XML files`
        : `history directory '${dir}' holds no usable run: ${first.message}${skipped.length > 1 ? ` (and ${skipped.length - 1} more bad files)` : ""}`,
      { skipped },
    );
  }
  return { model, files, skipped };
}
