import { InvalidArgumentError } from "commander";

/**
 * Parsers for option values, so a bad value stops the command before it does anything with a
 * message naming the option (commander reports it and the CLI exits with 2).
 */

/** `--name <n>`: a positive integer. */
export function positiveInt(name: string): (value: string) => number {
  return (value) => {
    if (!isPositiveInt(value)) throw new InvalidArgumentError(`${name} must be a positive integer`);
    return Number(value);
  };
}

/** {@link positiveInt} for a value checked inside a command's action (a UsageError: exit 2). */
export function requirePositiveInt(name: string, value: string): number {
  if (!isPositiveInt(value)) throw new UsageError(`${name} must be a positive integer, got '${value}'`);
  return Number(value);
}

function isPositiveInt(value: string): boolean {
  return /^[1-9][0-9]*$/.test(value) && Number.isSafeInteger(Number(value));
}

/** `--name <v>`: one of `allowed`. */
export function oneOf<T extends string>(name: string, allowed: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(allowed as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`${name} must be one of: ${allowed.join(", ")}`);
    }
    return value as T;
  };
}

/** A usage mistake found inside a command's action: reported like commander's own (exit 2). */
export class UsageError extends Error {
  override name = "UsageError";
}
