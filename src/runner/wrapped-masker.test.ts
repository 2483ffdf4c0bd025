import { describe, expect, it } from "vitest";
import { createStreamMasker } from "./wrapped-masker.js";

function maskAll(secrets: string[], lines: string[]): string[] {
  const out: string[] = [];
  const m = createStreamMasker(secrets, (l) => out.push(l));
  for (const l of lines) m.line(l);
  m.end();
  return out;
}

/** `text` wrapped at `width` columns, as `base64` (76) and `openssl base64` (64) print it. */
const wrap = (text: string, width: number) => text.match(new RegExp(`.{1,${width}}`, "g")) ?? [];

describe("createStreamMasker", () => {
  const secret = "correct-horse-battery-staple-2026";

  it("masks a secret's base64 split over two 76-column lines, keeping the other text", () => {
    const prefix = "x".repeat(60);
    const encoded = Buffer.from(`${prefix}${secret} and more text after it`).toString("base64");
    const lines = wrap(encoded, 76);
    expect(lines.length).toBeGreaterThan(1);
    const out = maskAll([secret], ["before", ...lines, "after"]);
    expect(out[0]).toBe("before");
    expect(out.at(-1)).toBe("after");
    expect(out).toHaveLength(lines.length + 2);
    const joined = out.slice(1, -1).join("");
    expect(joined).toContain("***");
    // No line holds a long enough piece of the secret's encoding to decode it back.
    expect(Buffer.from(joined.replace(/\*+/g, ""), "base64").toString()).not.toContain(secret.slice(4, -4));
  });

  it("masks PEM-style 64-column wrapping and writes held lines at the end of the stream", () => {
    const encoded = Buffer.from(`${"y".repeat(40)}${secret}`).toString("base64");
    const out = maskAll([secret], wrap(encoded, 64));
    expect(out.join("")).toContain("***");
  });

  it("leaves unrelated base64 and ordinary lines as they are", () => {
    const other = wrap(Buffer.from("z".repeat(200)).toString("base64"), 76);
    expect(maskAll([secret], ["hello", ...other, "bye"])).toEqual(["hello", ...other, "bye"]);
  });

  it("masks the secret's hex form", () => {
    const hex = Buffer.from(secret).toString("hex");
    expect(maskAll([secret], [`dump: ${hex}`, `DUMP: ${hex.toUpperCase()}`])).toEqual(["dump: ***", "DUMP: ***"]);
  });

  it("holds a bounded amount of a huge base64 block and still masks a secret in it", () => {
    const big = `${"q".repeat(200_000)}${secret}${"r".repeat(1000)}`;
    const lines = wrap(Buffer.from(big).toString("base64"), 76);
    const out: string[] = [];
    const m = createStreamMasker([secret], (l) => out.push(l));
    for (const l of lines.slice(0, 2000)) m.line(l);
    expect(out.length).toBeGreaterThan(1000);
    for (const l of lines.slice(2000)) m.line(l);
    m.end();
    expect(out).toHaveLength(lines.length);
    expect(out.join("")).toContain("***");
  });
});
