import { ValidationError } from "../../common/errors.js";

/** An `if:` expression that does not parse; `offset` is 0-based, `column` 1-based in the expression. */
export class ExpressionError extends ValidationError {
  override name = "ExpressionError";
  /** 1-based column inside the expression source. */
  readonly column: number;
  constructor(
    message: string,
    /** 0-based offset inside the expression source. */
    readonly offset: number,
  ) {
    super(message, { offset });
    this.column = offset + 1;
  }
}
