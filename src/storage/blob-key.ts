import { Transform } from "node:stream";
import { ValidationError } from "../common/errors.js";

/**
 * Refuses (ValidationError) a blob key that could escape its store or be ambiguous: empty,
 * absolute, with `..`, `.` or empty segments, backslashes, NUL bytes or over 1024 characters.
 */
export function checkBlobKey(key: string): string {
  const problem =
    key === ""
      ? "is empty"
      : key.length > 1024
        ? "is longer than 1024 characters"
        : key.includes("\0")
          ? "contains a NUL byte"
          : key.includes("\\")
            ? "contains a backslash"
            : key.startsWith("/")
              ? "is absolute"
              : key.split("/").some((s) => s === "" || s === "." || s === "..")
                ? "has an empty, '.' or '..' segment"
                : undefined;
  if (problem !== undefined) throw new ValidationError(`blob key ${JSON.stringify(key)} ${problem}`);
  return key;
}

/**
 * A pass-through stream that fails once more than `maxBytes` went through, or when the body
 * ends at another length than a declared `size`; `count()` tells the bytes seen.
 */
export function sizeGuard(key: string, opts: { maxBytes: number; size?: number }): Transform & { count(): number } {
  let seen = 0;
  const limit = Math.min(opts.maxBytes, opts.size ?? Number.POSITIVE_INFINITY);
  const t = new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > limit) {
        const why =
          opts.size !== undefined && opts.size <= opts.maxBytes
            ? `its declared ${opts.size} bytes`
            : `the limit of ${opts.maxBytes} bytes`;
        return done(new ValidationError(`blob ${key} is larger than ${why}`));
      }
      done(null, chunk);
    },
    flush(done) {
      if (opts.size !== undefined && seen !== opts.size)
        return done(new ValidationError(`blob ${key} has ${seen} bytes, not the declared ${opts.size}`));
      done();
    },
  });
  return Object.assign(t, { count: () => seen });
}
