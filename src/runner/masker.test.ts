import { describe, expect, it } from "vitest";
import { createMasker } from "./masker.js";

const b64 = (s: string) => Buffer.from(s).toString("base64");
const b64url = (s: string) => Buffer.from(s).toString("base64url");

describe("createMasker", () => {
  const secret = "s3cr3t+/?tok=en~";
  const mask = createMasker([secret]);

  it("masks the raw value wherever it occurs", () => {
    expect(mask(`token ${secret} and again ${secret}.`)).toBe("token *** and again ***.");
    expect(mask("nothing to hide")).toBe("nothing to hide");
  });

  it("masks base64, standard and URL-safe, with and without padding", () => {
    const std = b64(secret);
    const url = b64url(secret);
    expect(std).not.toBe(url);
    expect(mask(`a ${std} b`)).toBe("a *** b");
    expect(mask(`a ${std.replace(/=+$/, "")} b`)).toBe("a *** b");
    expect(mask(`a ${url} b`)).toBe("a *** b");
    const urlPadded = std.replace(/\+/g, "-").replace(/\//g, "_");
    expect(urlPadded).toMatch(/=$/);
    expect(mask(`a ${urlPadded} b`)).toBe("a *** b");
  });

  it("masks the secret inside a longer base64 text, e.g. a Basic-auth header", () => {
    for (const user of ["u", "us", "usr"]) {
      const header = `Authorization: Basic ${b64(`${user}:${secret}`)}`;
      const masked = mask(header);
      expect(masked).toContain("***");
      // What is left cannot be decoded back to the secret.
      expect(Buffer.from(masked.slice(21).replace("***", ""), "base64").toString()).not.toContain(secret);
    }
  });

  it("masks the URL-encoded form", () => {
    expect(encodeURIComponent(secret)).not.toBe(secret);
    expect(mask(`https://x.test/?t=${encodeURIComponent(secret)}&a=1`)).toBe("https://x.test/?t=***&a=1");
  });

  it("masks multi-line secrets line by line, and their one-line encodings", () => {
    const key = "-----BEGIN KEY-----\r\nAAAABBBBCCCC\nDDDDEEEE\n-----END KEY-----";
    const m = createMasker([key]);
    expect(["-----BEGIN KEY-----", "AAAABBBBCCCC", "DDDDEEEE", "-----END KEY-----"].map(m)).toEqual([
      "***",
      "***",
      "***",
      "***",
    ]);
    expect(m(`KEY_B64=${b64(key)}`)).toBe("KEY_B64=***");
  });

  it("prefers the longest secret when one contains another", () => {
    const m = createMasker(["abcd", "abcdefgh"]);
    expect(m("xabcdefghx abcdx")).toBe("x***x ***x");
  });

  it("escapes regular-expression metacharacters", () => {
    const m = createMasker(["a.b*c(d)[e]$^|\\"]);
    expect(m("a.b*c(d)[e]$^|\\ aXbbbcde")).toBe("*** aXbbbcde");
  });

  it("ignores empty values and masks short secrets without their encodings", () => {
    const m = createMasker(["", "ab"]);
    expect(m("grab a cab")).toBe("gr*** a c***");
    expect(m(`YWI= ${b64("ab")} ${encodeURIComponent("ab")}`)).toBe("YWI= YWI= ***");
    expect(createMasker([""])("unchanged")).toBe("unchanged");
    expect(createMasker([])("unchanged")).toBe("unchanged");
  });

  it("masks with many secrets registered (one precompiled pattern)", () => {
    const many = Array.from({ length: 200 }, (_, i) => `secret-value-${i}-${"x".repeat(i % 17)}`);
    const m = createMasker(many);
    const line = `prefix ${many[150]} ${"lorem ipsum ".repeat(20)}`;
    expect(m(line)).toBe(`prefix *** ${"lorem ipsum ".repeat(20)}`);
    expect(m(`${many[0]} and ${many[199]}`)).toBe("*** and ***");
  });
});
