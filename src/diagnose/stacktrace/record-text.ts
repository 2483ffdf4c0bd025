/**
 * The text of a log record a stack trace may hide in: its message plus every multi-line string
 * attribute (`stack`, `err.stack`, `exception.stacktrace`…), up to three levels deep.
 */

/** The message and multi-line string attributes of `r`, joined by newlines. */
export function recordText(r: { message: string; attributes: Record<string, unknown> }): string {
  const parts = [r.message];
  const walk = (v: unknown, depth: number) => {
    if (typeof v === "string" && v.includes("\n")) parts.push(v);
    else if (v && typeof v === "object" && depth < 3) for (const x of Object.values(v)) walk(x, depth + 1);
  };
  walk(r.attributes, 0);
  return parts.join("\n");
}
