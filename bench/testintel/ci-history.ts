/**
 * Reads the Apache Commons CI histories of `../shared/data/ci-history/Commons_*.csv` (Bertolino et
 * al., ICSE 2020, as redistributed by github.com/moji1/tp_rl, GPL-3.0) into the same in-memory
 * runs pitcrew learns from: one {@link TestRun} per CI cycle (rows of a cycle are contiguous and
 * cycles are in chronological order), one result per test class, failed when
 * `current_failures > 0`, duration from `time` (seconds). The other columns are not used.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runFromCases, type TestRun } from "../../src/testintel/index.js";

/** The six projects, in the data folder's order. */
export const PROJECTS = ["codec", "compress", "imaging", "io", "lang", "math"] as const;

/** The data folder (override with PITCREW_CI_HISTORY). */
export const CI_HISTORY_DIR =
  process.env.PITCREW_CI_HISTORY ?? join(import.meta.dirname, "../../../../shared/data/ci-history");

/** A cycle as read: the run, and each test's duration in ms in that cycle (for APFDc). */
export interface Cycle {
  run: TestRun;
  ids: string[];
  durations: Map<string, number>;
  failing: Set<string>;
}

/** Reads one project's cycles, oldest first; undefined when the file is absent. */
export function readProject(project: string): Cycle[] | undefined {
  const file = join(CI_HISTORY_DIR, `Commons_${project}.csv`);
  if (!existsSync(file)) return undefined;
  const lines = readFileSync(file, "utf8").split(/\r?\n/);
  const head = lines[0]!.split(",");
  const col = (name: string) => {
    const i = head.indexOf(name);
    if (i < 0) throw new Error(`${file}: no column ${name}`);
    return i;
  };
  const [cName, cCycle, cFail, cTime] = [col("test_class_name"), col("cycle_id"), col("current_failures"), col("time")];
  const groups: { cycle: string; rows: string[][] }[] = [];
  for (const line of lines.slice(1)) {
    if (line === "") continue;
    const f = line.split(",");
    const last = groups.at(-1);
    if (last !== undefined && last.cycle === f[cCycle]) last.rows.push(f);
    else groups.push({ cycle: f[cCycle]!, rows: [f] });
  }
  return groups.map((g) => {
    const cases = g.rows.map((f) => ({
      classname: f[cName]!.replace(/\.java$/, "").replaceAll("/", "."),
      name: "",
      status: Number(f[cFail]) > 0 ? ("failed" as const) : ("passed" as const),
      durationMs: Math.round(Number(f[cTime]) * 1000),
    }));
    return {
      run: runFromCases(g.cycle.slice(0, 12), cases),
      ids: cases.map((c) => c.classname),
      durations: new Map(cases.map((c) => [c.classname, c.durationMs])),
      failing: new Set(cases.filter((c) => c.status === "failed").map((c) => c.classname)),
    };
  });
}
