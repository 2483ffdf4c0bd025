/** The LLM fixer's one error: the endpoint failed, timed out, or answered something unusable. */
import { PitcrewError } from "../../../common/errors.js";

/** The LLM endpoint or its answer failed; `message` says which and how. */
export class LlmError extends PitcrewError {
  override name = "LlmError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("llm_failed", message, undefined, options);
  }
}
