/**
 * Masking across wrapped lines: `base64` (76 columns), `openssl base64` (64) and PEM bodies split
 * an encoded secret over several lines, where a per-line masker cannot see it. Consecutive lines
 * of base64 alphabet as long as the first one (at least {@link MIN_WRAP} characters) are held as
 * one block, masked as if joined, and written back line by line with each masked run shown as
 * `***`. The block is ended by a line of another length (its last, shorter line joins it) or by
 * `end()`. At most {@link MAX_HELD_CHARS} characters are held: past that the oldest lines are
 * written, keeping enough trailing text for the longest secret form to still be matched.
 */
import { MASK, maskPattern } from "./masker.js";

/** Shortest line taken for a wrapped base64 line. */
const MIN_WRAP = 48;
/** Characters of a wrapped block held back before its oldest lines are written anyway. */
const MAX_HELD_CHARS = 64 * 1024;
const BASE64_LINE = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** Masks one stream's lines in order, calling `emit` with each masked line (possibly later). */
export interface StreamMasker {
  line(text: string): void;
  /** Writes whatever is held (the stream or step ended). */
  end(): void;
}

/** A stream masker for `secrets` that writes masked lines to `emit`. */
export function createStreamMasker(secrets: string[], emit: (line: string) => void): StreamMasker {
  const pattern = maskPattern(secrets);
  if (!pattern) return { line: emit, end: () => undefined };
  const single = (text: string) => text.replace(pattern, MASK);
  let held: string[] = [];
  let heldChars = 0;
  let width = 0;

  /** Masks the held block as one text and writes its first `count` lines. */
  const release = (count: number) => {
    const ranges = matchRanges(pattern, held.join(""));
    let offset = 0;
    for (let i = 0; i < held.length; i++) {
      const line = held[i] as string;
      if (i < count) emit(maskRanges(line, offset, ranges));
      offset += line.length;
    }
    const rest = held.slice(count);
    held = rest;
    heldChars = rest.reduce((n, l) => n + l.length, 0);
    if (held.length === 0) width = 0;
  };

  return {
    line(text) {
      const b64 = BASE64_LINE.test(text);
      if (held.length > 0 && b64 && text.length === width) {
        held.push(text);
        heldChars += text.length;
        if (heldChars > MAX_HELD_CHARS) {
          // Keep the trailing lines a secret form could still continue from.
          const keep = Math.ceil(pattern.maxLength / width) + 1;
          release(Math.max(0, held.length - keep));
        }
        return;
      }
      if (held.length > 0 && b64 && text.length < width) {
        held.push(text);
        release(held.length);
        return;
      }
      if (held.length > 0) release(held.length);
      if (b64 && text.length >= MIN_WRAP) {
        held = [text];
        heldChars = text.length;
        width = text.length;
        return;
      }
      emit(single(text));
    },
    end() {
      if (held.length > 0) release(held.length);
    },
  };
}

function matchRanges(pattern: RegExp, text: string): [number, number][] {
  const out: [number, number][] = [];
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    out.push([m.index, m.index + m[0].length]);
    if (m[0].length === 0) pattern.lastIndex++;
  }
  return out;
}

/** `line` (starting at `offset` of the joined text) with every part inside a range replaced by `***`. */
function maskRanges(line: string, offset: number, ranges: [number, number][]): string {
  let out = "";
  let pos = 0;
  for (const [from, to] of ranges) {
    const a = Math.max(from - offset, 0);
    const b = Math.min(to - offset, line.length);
    if (b <= a || a < pos) continue;
    out += line.slice(pos, a) + MASK;
    pos = b;
  }
  return out + line.slice(pos);
}
