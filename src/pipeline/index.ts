/**
 * The pipeline compiler (DESIGN.md §4): `.pitcrew/pipeline.yaml` text → parse (with positions)
 * → lint (diagnostics) → compile → {@link Plan}, plus the `if:` expression language the runner
 * evaluates at run time. Other domains import only from here.
 */
export { type CompileOptions, type CompileResult, compilePipeline } from "./compile/compile.js";
export { MAX_MATRIX_JOBS } from "./compile/matrix.js";
export { parseDuration } from "./duration.js";
export type { Expr, Value } from "./expr/ast.js";
export { type ConditionContext, type ConditionState, evaluateCondition } from "./expr/evaluate.js";
export { ExpressionError } from "./expr/expression-error.js";
export { type ParseResult, parseExpression } from "./expr/parse.js";
export { lintPipeline } from "./lint/lint-pipeline.js";
export { missingRunnerLabels } from "./lint/runner-label-rules.js";
export type * from "../common/plan.js";
export type { PipelineSpec } from "./spec/schema.js";
export type { PipelineLimits } from "./spec/parse.js";
export { isLimitDiagnostic, pipelineTooLarge } from "./spec/limits.js";
export { type CronSchedule, readCronSchedules } from "./cron-schedules.js";
export type { ForeignFormat } from "./import/detect-format.js";
export { type ImportResult, importPipeline } from "./import/import-pipeline.js";
export { parseMemorySize } from "./memory-size.js";
export { TEST_REPORTS_DIR } from "./spec/defaults.js";
