import { ValidationError } from "../../common/errors.js";

/** Why a text could not yield a stack trace. */
export type TraceInputProblem = "empty" | "binary" | "too_large" | "no_trace";

/** The input given as a stack trace is unusable: empty, binary, too large, or holds no trace. */
export class TraceInputError extends ValidationError {
  override name = "TraceInputError";
  constructor(
    readonly problem: TraceInputProblem,
    message: string,
  ) {
    super(message, { problem });
  }
}
