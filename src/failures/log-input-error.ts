import { ValidationError } from "../common/errors.js";

/** Why a log could not be explained. */
export type LogInputProblem = "missing" | "not_a_file" | "unreadable" | "empty" | "binary";

/** The log handed over cannot be read as a build log; the message names the file and the reason. */
export class LogInputError extends ValidationError {
  override name = "LogInputError";
  constructor(
    readonly problem: LogInputProblem,
    message: string,
  ) {
    super(message, { problem });
  }
}
