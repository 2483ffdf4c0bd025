/**
 * Cost at scale, in this process: a 5,000-test project with 300 past runs fed to the history
 * model, then one prioritisation of all 5,000 tests. Reports the time of each step and the heap
 * the model holds (measured with explicit GCs when node runs with --expose-gc).
 */
import { HistoryModel, prioritize, type TestResult, type TestRun } from "../../src/testintel/index.js";
import { mulberry32 } from "./prioritization.js";

/** Timings in ms and the model's heap in bytes (undefined without --expose-gc). */
export interface ScaleCost {
  tests: number;
  runs: number;
  learnMs: number;
  prioritizeMs: number;
  modelBytes?: number;
}

/** Builds and measures. */
export function measureScale(tests = 5000, runs = 300): ScaleCost {
  const rnd = mulberry32(7);
  const ids = Array.from(
    { length: tests },
    (_, i) => `org.example.pkg${i % 50}.Class${Math.floor(i / 10)}Test.method${i % 10}`,
  );
  const history: TestRun[] = [];
  for (let r = 0; r < runs; r++) {
    const results = new Map<string, TestResult>();
    for (const id of ids) results.set(id, { failed: rnd() < 0.003, mixed: false, durationMs: rnd() * 500 });
    history.push({ label: `run-${r}`, results });
  }
  const gc = (globalThis as { gc?: () => void }).gc;
  let t = performance.now();
  let model: HistoryModel | undefined = new HistoryModel();
  for (const run of history) model.add(run);
  const learnMs = performance.now() - t;
  t = performance.now();
  const order = prioritize(model, ids);
  const prioritizeMs = performance.now() - t;
  if (order.length !== tests) throw new Error("prioritize lost tests");
  // The model's heap: used with it, minus used once it is dropped (the runs stay referenced).
  gc?.();
  const withModel = process.memoryUsage().heapUsed;
  model = undefined;
  gc?.();
  const modelBytes = gc ? withModel - process.memoryUsage().heapUsed : undefined;
  if (history.length !== runs) throw new Error("history lost runs");
  return { tests, runs, learnMs, prioritizeMs, ...(modelBytes === undefined ? {} : { modelBytes }) };
}
