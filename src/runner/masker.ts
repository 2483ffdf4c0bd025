/**
 * Secret masking for log lines. Each secret is masked verbatim and in the encodings a step is
 * likely to print it in: base64 (standard and URL-safe, with and without padding, and the forms
 * it takes inside a longer base64 text such as a Basic-auth header), hex (lower and upper case)
 * and URL-encoding. A secret spanning several lines is masked line by line, because logs arrive
 * one line at a time; base64 wrapped over several lines (`base64` wraps at 76) is joined first
 * by `wrapped-masker.ts`.
 *
 * All needles go into one precompiled alternation, longest first, so a secret that contains
 * another is masked whole and each line costs a single regex pass.
 */

/** What masked text is replaced with. */
export const MASK = "***";

/**
 * Below this length only the raw value is masked. The encodings of a 1–3 character value are
 * 2–4 character strings (`"a"` → `YQ`) that occur all over ordinary output: masking them would
 * shred the log while protecting nothing, since a value that short can be guessed anyway.
 */
const MIN_ENCODED_LENGTH = 4;

/** Returns a function that replaces every form of every non-empty secret in a line with `***`. */
export function createMasker(secrets: string[]): (line: string) => string {
  const pattern = maskPattern(secrets);
  if (!pattern) return (line) => line;
  return (line) => line.replace(pattern, MASK);
}

/**
 * One global regex matching every form of every secret (longest first), or undefined when there
 * is nothing to mask; `maxLength` is the longest form's length.
 */
export function maskPattern(secrets: string[]): (RegExp & { maxLength: number }) | undefined {
  const needles = new Set<string>();
  for (const secret of secrets) {
    if (!secret) continue;
    const lines = secret.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
    for (const value of new Set([secret, ...lines])) {
      if (!value) continue;
      // A multi-line value never appears raw in one log line (its lines do); its encodings can.
      if (!value.includes("\n")) needles.add(value);
      if (value.length >= MIN_ENCODED_LENGTH) for (const form of encodings(value)) needles.add(form);
    }
  }
  if (needles.size === 0) return undefined;
  const sorted = [...needles].sort((a, b) => b.length - a.length);
  return Object.assign(new RegExp(sorted.map(escapeRegExp).join("|"), "g"), { maxLength: sorted[0]?.length ?? 0 });
}

/** The encoded forms of `value` worth masking (at least MIN_ENCODED_LENGTH long each). */
function encodings(value: string): string[] {
  const bytes = Buffer.from(value, "utf8");
  const hex = bytes.toString("hex");
  const forms: string[] = [encodeURIComponent(value), hex, hex.toUpperCase()];
  const std = bytes.toString("base64");
  const url = std.replace(/\+/g, "-").replace(/\//g, "_");
  for (const b64 of [std, url]) forms.push(b64, b64.replace(/=+$/, ""));
  // Inside a longer base64 text the secret starts at byte offset 0, 1 or 2 of a 3-byte group:
  // keep only the characters that depend on the secret's bytes alone.
  for (const offset of [0, 1, 2]) {
    const shifted = Buffer.concat([Buffer.alloc(offset), bytes]);
    const start = Math.ceil((offset * 8) / 6);
    const end = Math.floor((shifted.length * 8) / 6);
    forms.push(shifted.toString("base64").slice(start, end), shifted.toString("base64url").slice(start, end));
  }
  return forms.filter((f) => f.length >= MIN_ENCODED_LENGTH && f !== value);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}
