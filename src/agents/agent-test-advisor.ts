import { pathOrderAdvisor, type TestAdvisor } from "../runner/index.js";
import { isRefusal } from "./agent-client.js";
import type { TestsAdvice } from "./protocol.js";

/**
 * The test advisor of a job on an agent: the server decides (it holds the history and the
 * mirror), so the step's matched test files go to it (`ask`, the `tests` call of the job's lease)
 * and its answer, already checked against the protocol's schema, becomes the runner's TestAdvice.
 * An answer naming a file the step did not match, or a file twice, is refused: the agent runs only
 * its own files, each once. When the call fails for good for a reason not the agent's own (`ask`
 * gave up: the server unreachable past the lease or the call's budget, a 5xx for good, or an
 * answer that does not fit the protocol), the step runs every file in path order and its log says
 * why; a refusal (4xx) fails the step.
 */
export function serverTestAdvisor(ask: (step: number, testFiles: string[]) => Promise<TestsAdvice>): TestAdvisor {
  return async (request) => {
    const { step, testFiles } = request;
    let a: TestsAdvice;
    try {
      a = await ask(step, testFiles);
    } catch (err) {
      if (isRefusal(err)) throw err;
      const why = (err instanceof Error ? err.message : String(err)).split("\n")[0]!.slice(0, 300);
      const plain = await pathOrderAdvisor(request);
      return { ...plain, summary: `path order (the server's test advice failed: ${why})` };
    }
    const matched = new Set(testFiles);
    const named = [...a.run, ...a.skipped.map((s) => s.file)];
    const stray = named.find((f) => !matched.has(f));
    if (stray !== undefined)
      throw new Error(
        `the server's test advice names '${stray.slice(0, 200)}', which is not one of the step's test files`,
      );
    const twice = named.find((f, i) => named.indexOf(f) !== i);
    if (twice !== undefined) throw new Error(`the server's test advice names '${twice.slice(0, 200)}' twice`);
    return {
      run: a.run,
      skipped: a.skipped,
      summary: a.summary,
      flaky: new Map(a.flaky.map((f) => [f.id, { flaky: f.flaky, evidence: f.evidence }])),
    };
  };
}
