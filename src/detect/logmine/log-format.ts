import { ValidationError } from "../../common/errors.js";

/** A line split by a header format: its header fields and the message to mine. */
export interface ParsedLine {
  /** Header fields by placeholder name (without `Content`). */
  fields: Record<string, string>;
  /** The message part (`<Content>`), or the whole line when the format did not match. */
  content: string;
  /** False when the line did not match the format (then `content` is the whole line). */
  matched: boolean;
}

/** A compiled header format: `parse` splits one line into fields and content. */
export interface LogFormat {
  /** The format text it was compiled from. */
  readonly source: string;
  /** The anchored regular expression built from it. */
  readonly regex: RegExp;
  /** Placeholder names in order of appearance. */
  readonly fields: readonly string[];
  /** Splits one line (without its line terminator). */
  parse(line: string): ParsedLine;
}

const PLACEHOLDER = /(<[^<>]+>)/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Compiles a header format in Loghub's benchmark syntax, like logparser's
 * `generate_logformat_regex`: the text is split on `<Field>` placeholders; literal parts are
 * regex fragments (so `\[` is a bracket) in which runs of spaces become `\s+`; each placeholder
 * becomes a lazy named group `(?<Field>.*?)`; the whole is anchored `^…$`. `<Content>` is
 * required. Throws a `ValidationError` for a bad name, a missing `<Content>` or an invalid regex.
 */
export function compileLogFormat(format: string): LogFormat {
  const parts = format.split(PLACEHOLDER);
  const fields: string[] = [];
  let pattern = "";
  parts.forEach((part, i) => {
    if (i % 2 === 0) {
      pattern += part.replace(/ +/g, "\\s+");
      return;
    }
    const name = part.slice(1, -1);
    if (!NAME.test(name)) throw new ValidationError(`log format: placeholder <${name}> is not a valid field name`);
    if (fields.includes(name)) throw new ValidationError(`log format: placeholder <${name}> appears twice`);
    fields.push(name);
    pattern += `(?<${name}>.*?)`;
  });
  if (!fields.includes("Content")) throw new ValidationError("log format: it needs a <Content> placeholder");
  let regex: RegExp;
  try {
    regex = new RegExp(`^${pattern}$`);
  } catch (err) {
    throw new ValidationError(`log format: not a valid regular expression: ${(err as Error).message}`, undefined, {
      cause: err,
    });
  }
  const headers = fields.filter((f) => f !== "Content");
  return {
    source: format,
    regex,
    fields,
    parse(line) {
      const groups = regex.exec(line)?.groups;
      if (!groups) return { fields: {}, content: line, matched: false };
      const out: Record<string, string> = {};
      for (const h of headers) out[h] = groups[h] ?? "";
      return { fields: out, content: groups.Content ?? "", matched: true };
    },
  };
}
