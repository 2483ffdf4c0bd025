import { ValidationError } from "../../common/errors.js";

/**
 * Checks a branch name against git's ref-name rules (`git check-ref-format --branch`): no
 * spaces or control characters, none of `~ ^ : ? * [ \`, no `..` or `@{`, no component starting
 * with `.` or ending with `.lock`, not starting with `-`. Names from webhooks and API calls are
 * untrusted; a valid one is still only ever passed to processes as data (argv or env), never to a shell.
 */
export function assertBranchName(name: string): string {
  const bad =
    name.length === 0 ||
    name.length > 255 ||
    /[\x00-\x20\x7f~^:?*[\\]/.test(name) ||
    name.includes("..") ||
    name.includes("@{") ||
    name === "@" ||
    name.startsWith("-") ||
    name.startsWith("/") ||
    name.endsWith("/") ||
    name.endsWith(".") ||
    name.split("/").some((c) => c === "" || c.startsWith(".") || c.endsWith(".lock"));
  if (bad) throw new ValidationError(`invalid branch name ${JSON.stringify(name.slice(0, 100))}`);
  return name;
}
