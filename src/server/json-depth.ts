/**
 * A pre-parse nesting check for JSON request bodies: recursive validators (zod, OTLP's
 * `arrayValue`/`kvlistValue`) overflow the stack on deeply nested input, so bodies nested deeper
 * than `limits.json_depth` are refused with 400 before they are parsed at all.
 */
import { ValidationError } from "../common/errors.js";

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN = new Set([0x5b, 0x7b]);
const CLOSE = new Set([0x5d, 0x7d]);

/** The byte offset where `body` first nests deeper than `maxDepth` (`[`/`{` outside strings), or -1. */
export function findExcessiveNesting(body: Buffer, maxDepth: number): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as number;
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (OPEN.has(c)) {
      if (++depth > maxDepth) return i;
    } else if (CLOSE.has(c)) depth = Math.max(0, depth - 1);
  }
  return -1;
}

/** Throws a 400 ValidationError when `body` nests deeper than `maxDepth`. */
export function assertJsonDepth(body: Buffer, maxDepth: number): void {
  const at = findExcessiveNesting(body, maxDepth);
  if (at >= 0) {
    throw new ValidationError(`request body nests deeper than ${maxDepth} levels (at byte ${at}; limits.json_depth)`, {
      maxDepth,
      offset: at,
    });
  }
}
