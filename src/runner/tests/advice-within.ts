import type { StepOutcome } from "../executor.js";
import type { TestAdvice } from "./test-advice.js";

/** How a test step stopped while it waited for its advice. */
export type AdviceStop = { stopped: StepOutcome & { reason: string } };

/**
 * `advice`, unless the job is cancelled (`signal`) or the step's time (`timeoutMs`) runs out
 * first: an advisor that never answers (a server past reach, retried) must not hold a step that
 * can no longer run. The advice's later failure is ignored once the step has stopped.
 */
export async function adviceWithin(
  advice: Promise<TestAdvice>,
  signal: AbortSignal | undefined,
  timeoutMs: number | undefined,
): Promise<TestAdvice | AdviceStop> {
  const began = Date.now();
  const stopped = (how: "cancelled" | "timedOut", reason: string): AdviceStop => ({
    stopped: {
      exitCode: null,
      signal: null,
      timedOut: how === "timedOut",
      cancelled: how === "cancelled",
      durationMs: Date.now() - began,
      reason,
    },
  });
  if (signal?.aborted) {
    advice.catch(() => undefined);
    return stopped("cancelled", "cancelled while waiting for the test advice");
  }
  let timer: NodeJS.Timeout | undefined;
  let onAbort = () => {};
  const stop = new Promise<AdviceStop>((resolve) => {
    onAbort = () => resolve(stopped("cancelled", "cancelled while waiting for the test advice"));
    signal?.addEventListener("abort", onAbort, { once: true });
    if (timeoutMs !== undefined)
      timer = setTimeout(
        () => resolve(stopped("timedOut", `timed out after ${timeoutMs} ms waiting for the test advice`)),
        timeoutMs,
      );
  });
  try {
    return await Promise.race([advice, stop]);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
    advice.catch(() => undefined);
  }
}
