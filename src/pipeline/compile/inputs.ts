/**
 * Manual inputs: the values a run sees are the declared defaults overridden by what the trigger
 * passed. A manual trigger must give every required input, only declared ones, and a value
 * among the options when the input lists some.
 */
import type { TriggerContext } from "../../common/plan.js";
import type { TriggersSpec } from "../spec/schema.js";

/** A problem with the inputs of a trigger, at the input's declaration when there is one. */
export interface InputProblem {
  code: "unknown-input" | "missing-input" | "invalid-input";
  message: string;
  /** Value path of the input's declaration, or of `on.manual.inputs` for undeclared ones. */
  path: PropertyKey[];
}

/** Resolves the inputs of a run; problems are only raised for manual triggers. */
export function resolveInputs(
  on: TriggersSpec | undefined,
  trigger: TriggerContext,
): { inputs: Record<string, string>; problems: InputProblem[] } {
  const declared = on?.manual?.inputs ?? {};
  const given = trigger.inputs ?? {};
  const inputs: Record<string, string> = {};
  const problems: InputProblem[] = [];
  const manual = trigger.event === "manual";
  for (const [name, input] of Object.entries(declared)) {
    const path = ["on", "manual", "inputs", name];
    const value = Object.hasOwn(given, name) ? given[name] : input.default;
    if (value === undefined) {
      if (manual && input.required)
        problems.push({ code: "missing-input", message: `input '${name}' is required`, path });
      continue;
    }
    if (manual && input.options && !input.options.includes(value)) {
      const message = `input '${name}' is '${value}', expected one of: ${input.options.join(", ")}`;
      problems.push({ code: "invalid-input", message, path });
    }
    inputs[name] = value;
  }
  for (const name of Object.keys(given)) {
    if (manual && !Object.hasOwn(declared, name)) {
      const known = Object.keys(declared).join(", ") || "none";
      problems.push({
        code: "unknown-input",
        message: `unknown input '${name}' (declared: ${known})`,
        path: ["on", "manual", "inputs"],
      });
    }
  }
  return { inputs, problems };
}
