/**
 * Turns one raw log line (without its `\n`) into the text a person would see: ANSI escape
 * sequences removed, carriage-return and backspace progress output collapsed to what the terminal shows last,
 * a leading ISO-8601 timestamp (GitHub Actions, GitLab, many loggers) removed, and CI fold markers
 * (`::group::`, `##[group]`, `travis_fold:`, `section_start:`) reduced to their title. The line
 * number of the raw file is kept by the caller; cleaning never merges or splits lines.
 */

const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g;
const TIMESTAMP = /^\[?\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?\]?\s?/;
const FOLD =
  /^(?:::(?:group|endgroup)::|##\[(?:group|endgroup)\]|travis_fold:(?:start|end):\S*|travis_time:(?:start|end):\S*|section_(?:start|end):\d+:\S+)\s*/;

/** The fold markers that open a step (`travis_time:end:…:start=…` closes one). */
const STEP_START = /^(?:::group::|##\[group\]|travis_fold:start:|travis_time:start:|section_start:)/;

/** What a raw line looks like once cleaned, and whether it opens a fold (a CI step). */
export interface CleanLine {
  /** Visible text, trimmed at the end. */
  text: string;
  /** True when the line opens a group/fold/section: the start of a step. */
  opensStep: boolean;
}

/** Cleans one raw line (see the comment at the top of this file). */
export function cleanLine(raw: string): CleanLine {
  let line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
  if (line.includes("\x1b")) line = line.replace(ANSI, "");
  const ts = TIMESTAMP.exec(line);
  if (ts) line = line.slice(ts[0].length);
  let fold = foldLength(line);
  let opensStep = fold > 0 && STEP_START.test(line);
  line = line.slice(fold);
  if (line.includes("\r")) {
    line = lastVisible(line.split("\r"));
    fold = foldLength(line);
    opensStep ||= fold > 0 && STEP_START.test(line);
    line = line.slice(fold);
  }
  if (line.includes("\b")) line = backspace(line);
  return { text: line.replace(CONTROL, "").trimEnd(), opensStep };
}

/** Length of the fold marker the line starts with, 0 without one (a step opens with its marker). */
function foldLength(line: string): number {
  return FOLD.exec(line)?.[0].length ?? 0;
}

/** What a terminal shows of `a\rb\rc`: the last part that is not blank. */
function lastVisible(parts: string[]): string {
  for (let i = parts.length - 1; i >= 0; i--) if (parts[i]!.trim() !== "") return parts[i]!;
  return "";
}

/** Applies backspaces as a terminal does (spinners print a character, then `\b`). */
function backspace(line: string): string {
  const out: string[] = [];
  for (const ch of line) {
    if (ch === "\b") out.pop();
    else out.push(ch);
  }
  return out.join("");
}
