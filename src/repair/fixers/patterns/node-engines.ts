/**
 * Which syntax the JavaScript a pattern fix writes may use: the oldest Node.js major the
 * project declares it runs on (`engines.node` of the nearest package.json above the file). A
 * project declaring `"node": ">=4"` must not get optional chaining (Node.js 14 and later).
 */
import { posix } from "node:path";

/** The Node.js major that first parsed optional chaining (`a?.b`) and `??`. */
const OPTIONAL_CHAINING_SINCE = 14;

/** The lowest Node.js major an `engines.node` range admits (its smallest number), or undefined. */
export function oldestNodeMajor(range: string): number | undefined {
  const majors = [...range.matchAll(/(?:^|[\s|<>=^~v])(\d+)(?=[.\sx*|]|$)/g)].map((m) => Number(m[1]));
  return majors.length ? Math.min(...majors) : undefined;
}

/** True unless the nearest package.json above `file` declares an engine older than Node.js 14. */
export async function allowsOptionalChaining(
  file: string,
  readFile: (path: string) => Promise<string | undefined>,
): Promise<boolean> {
  for (let dir = posix.dirname(file); ; dir = posix.dirname(dir)) {
    const text = await readFile(dir === "." ? "package.json" : `${dir}/package.json`);
    if (text !== undefined) {
      let range: unknown;
      try {
        range = (JSON.parse(text) as { engines?: { node?: unknown } }).engines?.node;
      } catch {
        return true;
      }
      const oldest = typeof range === "string" ? oldestNodeMajor(range) : undefined;
      return oldest === undefined || oldest >= OPTIONAL_CHAINING_SINCE;
    }
    if (dir === "." || dir === "/") return true;
  }
}
