import { execFileSync } from "node:child_process";
import { copyFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** NAB's three application profiles, as its scorer names them. */
const PROFILES = ["standard", "reward_low_FP_rate", "reward_low_FN_rate"];

/**
 * Scores detectors' NAB results files with NAB's own code: `run.py --optimize --score --normalize`
 * of a numenta/NAB checkout (`nabDir`), run by `python` (a python3 with pandas). Reads from the
 * checkout: run.py, nab/*.py, data/, labels/combined_windows.json, config/profiles.json and the
 * null detector's `results/null/null_<profile>_scores.csv` (the normalisation baseline). Each
 * detector's results directory is copied under `work` (a scratch directory) first (NAB's scorer writes beside them),
 * together with those null scores and an empty thresholds file; nothing in the checkout changes.
 * Returns NAB's `final_results.json`: detector → profile → normalised score.
 */
export function scoreWithNab(
  nabDir: string,
  resultsDir: string,
  detectors: readonly string[],
  work: string,
  python = "python3",
): Record<string, Record<string, number>> {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, "null"), { recursive: true });
  for (const p of PROFILES) {
    const file = `null_${p}_scores.csv`;
    copyFileSync(join(nabDir, "results/null", file), join(work, "null", file));
  }
  for (const d of detectors) cpSync(join(resultsDir, d), join(work, d), { recursive: true });
  const thresholds = join(work, "thresholds.json");
  writeFileSync(thresholds, "{}\n");
  const args = ["run.py", "-d", detectors.join(","), "--optimize", "--score", "--normalize", "--skipConfirmation"];
  args.push("--resultsDir", work, "--thresholdsFile", thresholds, "-n", "2");
  execFileSync(python, args, { cwd: nabDir, stdio: ["ignore", "ignore", "inherit"] });
  return JSON.parse(readFileSync(join(work, "final_results.json"), "utf8"));
}
