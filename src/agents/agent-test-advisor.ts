import type { TestAdvisor } from "../runner/index.js";
import type { TestsAdvice } from "./protocol.js";

/**
 * The test advisor of a job on an agent: the server decides (it holds the history and the
 * mirror), so the step's matched test files go to it (`ask`, the `tests` call of the job's lease)
 * and its answer, already checked against the protocol's schema, becomes the runner's TestAdvice.
 * An answer naming a file the step did not match is refused: the agent runs only its own files.
 */
export function serverTestAdvisor(ask: (step: number, testFiles: string[]) => Promise<TestsAdvice>): TestAdvisor {
  return async ({ step, testFiles }) => {
    const a = await ask(step, testFiles);
    const matched = new Set(testFiles);
    const stray = [...a.run, ...a.skipped.map((s) => s.file)].find((f) => !matched.has(f));
    if (stray !== undefined)
      throw new Error(
        `the server's test advice names '${stray.slice(0, 200)}', which is not one of the step's test files`,
      );
    return {
      run: a.run,
      skipped: a.skipped,
      summary: a.summary,
      flaky: new Map(a.flaky.map((f) => [f.id, { flaky: f.flaky, evidence: f.evidence }])),
    };
  };
}
