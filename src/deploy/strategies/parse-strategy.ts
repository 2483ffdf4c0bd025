import { ValidationError } from "../../common/errors.js";
import { type StrategySpec, strategySchema } from "./strategy-spec.js";

/** Validates a strategy (config `environments[i].strategy`, a deploy request's); errors name `where`. */
export function parseStrategy(value: unknown, where: string): StrategySpec {
  const r = strategySchema.safeParse(value);
  if (!r.success) {
    const detail = r.error.issues.map((i) => `${[where, ...i.path].join(".")}: ${i.message}`).join("; ");
    throw new ValidationError(`invalid strategy: ${detail}`, { issues: r.error.issues });
  }
  return r.data;
}
