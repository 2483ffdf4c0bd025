/**
 * Whether an analysis's judge cleared the canary by itself: the analysis passed (it was not
 * inconclusive and then promoted by hand), its last measurement has the judge's results, all
 * passing, and the judge needed at least its default minimum of requests per side (a strategy may
 * lower `minSamples` to 2, where a pass says little). The post-deploy watch relies on it to skip
 * the latency comparison with older requests (delivery/launch.ts).
 */
import type { AnalysisResult, AnalysisSpec } from "./analysis.js";
import { judgeSettings } from "./judge.js";

/** True when `result` of `spec` passed with the judge on its own (rules in the module comment). */
export function passedOnItsOwn(spec: AnalysisSpec, result: AnalysisResult): boolean {
  if (result.verdict !== "pass" || spec.judge === false) return false;
  const minSamples = judgeSettings(typeof spec.judge === "object" ? spec.judge : {}).minSamples;
  if (minSamples < judgeSettings().minSamples) return false;
  const judged = (result.measurements.at(-1)?.results ?? []).filter((r) => r.name.startsWith("judge-"));
  return judged.length > 0 && judged.every((r) => r.status === "pass");
}
