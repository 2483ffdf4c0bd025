/** The wildcard that stands for a variable part of a message, in masks and templates. */
export const WILDCARD = "<*>";

// Generic variable shapes, in the order they are applied to a token. None of them is specific to
// one system; each replaces the matched text with `<*>` and leaves the surrounding punctuation, so
// `blk_-42` becomes `blk_<*>` and `[10.0.0.1:80]` becomes `[<*>]`.
const URL = /[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s"'<>]+/g;
/** Absolute or relative paths with at least two separators (`/usr/lib/x.so`, `C:\a\b`, `./a/b`). */
const PATH = /(?<![\w.:/\\-])(?:[A-Za-z]:|\.{1,2}|~)?(?:[/\\][\w.@~+$-]+){2,}[/\\]?/g;
/** Hexadecimal literals with a `0x` prefix. */
const HEX_PREFIXED = /(?<![A-Za-z0-9])[-+]?0[xX][0-9a-fA-F]+(?![A-Za-z0-9])/g;
/**
 * A run of digits and hex letters that is not glued to other letters or digits, possibly joined by
 * `. : , / -`: plain and signed numbers, IPv4 addresses with ports, versions, dates and times,
 * UUIDs, and hex ids (kept when they start with a letter and are shorter than four characters).
 */
const NUMBERISH =
  /(?<![A-Za-z0-9])[-+]?(?=[a-fA-F]*\d)[0-9a-fA-F]+(?:[.:,/-](?=[a-fA-F]*\d)[0-9a-fA-F]+)*(?![A-Za-z0-9])/g;
/** IPv6 addresses (at least two groups and a `::` or seven colons). */
const IPV6 = /(?<![\w:])(?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{0,4}(?![\w:])/g;
/** Dotted names of three or more parts: host names, FQDNs, Java and reverse-DNS package/class names. */
const DOTTED = /(?<![\w.-])[A-Za-z_][\w-]*(?:\.[\w-]+){2,}/g;
const HAS_DIGIT = /\d/;

function numberish(match: string): string {
  return /^[-+]?\d/.test(match) || match.length >= 4 ? WILDCARD : match;
}

function ipv6(match: string): string {
  return match.includes("::") || match.split(":").length === 8 ? WILDCARD : match;
}

/**
 * Replaces the variable-looking parts of one whitespace-free token with `<*>`: URLs, paths, dotted
 * names, IPv6/IPv4 addresses, hex literals, numbers (also signed, dotted, dates and times) and hex
 * ids. Tokens without a digit, `.`, `/` or `\` are returned as they are (the fast path).
 */
export function maskToken(token: string): string {
  const dot = token.includes(".");
  const digit = HAS_DIGIT.test(token);
  const slash = token.includes("/") || token.includes("\\");
  if (!digit && !slash && !dot) return token;
  let t = token;
  if (slash) {
    if (t.includes("://")) t = t.replace(URL, WILDCARD);
    t = t.replace(PATH, WILDCARD);
  }
  if (dot) t = t.replace(DOTTED, WILDCARD);
  if (!HAS_DIGIT.test(t)) return t;
  if (t.includes(":")) t = t.replace(IPV6, ipv6);
  if (t.includes("0x") || t.includes("0X")) t = t.replace(HEX_PREFIXED, WILDCARD);
  return t.replace(NUMBERISH, numberish);
}

/** Day and month names, as written in timestamps (`Sat`, `June`, `Sept.`). */
const DATE_WORD =
  /^(?:mon(?:day)?|tue(?:s|sday)?|wed(?:nesday)?|thu(?:rs?|rsday)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?|jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)[,.]?$/i;

/**
 * Masks every token of a message (`maskToken`), then the day and month names that stand within two
 * tokens of a masked number, so a timestamp written in the text (`at Sat Jun 18 02:08:10 2005`)
 * becomes all `<*>` however the day changes. A lone `May` or `Sun` stays a word.
 */
export function maskTokens(tokens: readonly string[]): string[] {
  const masked = tokens.map(maskToken);
  for (let i = 0; i < masked.length; i++) {
    const t = masked[i]!;
    if (t.length > 10 || !DATE_WORD.test(t)) continue;
    for (let j = Math.max(0, i - 2); j <= i + 2 && j < masked.length; j++) {
      if (masked[j] === WILDCARD) {
        masked[i] = WILDCARD;
        break;
      }
    }
  }
  return masked;
}

/** Splits a message into tokens on runs of whitespace. */
export function tokenize(content: string): string[] {
  const trimmed = content.trim();
  return trimmed === "" ? [] : trimmed.split(/\s+/);
}
