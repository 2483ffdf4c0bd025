import type { TestCase } from "../reports/index.js";

/** Longest test id accepted, in characters (ids longer than this are refused as malformed). */
export const MAX_TEST_ID_CHARS = 4096;

/**
 * The stable id of a test case: `classname.name` (either part left out when empty), the same id
 * the reports domain's JUnit cases, the CLI and the store use.
 */
export function testId(c: Pick<TestCase, "classname" | "name">): string {
  const classname = c.classname.trim();
  const name = c.name.trim();
  if (classname === "") return name;
  if (name === "") return classname;
  return `${classname}.${name}`;
}

/**
 * Why `id` cannot be a test id, or undefined when it can: ids are non-empty, at most
 * {@link MAX_TEST_ID_CHARS} characters, without control characters (a tab or NUL is a sign of a
 * wrong file, not of a test name).
 */
export function testIdProblem(id: string): string | undefined {
  if (id === "") return "is empty";
  if (id.length > MAX_TEST_ID_CHARS) return `is longer than ${MAX_TEST_ID_CHARS} characters`;
  if (/[\u0000-\u001f\u007f]/.test(id)) return "contains control characters";
  return undefined;
}

/** True when `id` has the `classname.name` shape: a dot with text on both sides. */
export function hasClassAndName(id: string): boolean {
  const dot = id.lastIndexOf(".");
  return dot > 0 && dot < id.length - 1;
}
