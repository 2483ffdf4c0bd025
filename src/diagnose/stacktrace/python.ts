/**
 * Python tracebacks: `Traceback (most recent call last):`, `File "x.py", line 12, in fn` frames
 * (printed outermost first; reversed here to innermost first), the exception line, and chains
 * joined by "The above exception was the direct cause…" (`raise … from`, relation `cause`) or
 * "During handling of the above exception…" (relation `context`). The chain is printed root
 * first, so the last block is the exception that escaped and earlier blocks become its causes.
 */
import { isLibraryFrame } from "./in-app.js";
import { interleavedWarning, nextAfterNoise } from "./noise.js";
import type { CauseRelation, Frame, ParsedTrace, ParseResult, TraceParser } from "./types.js";

const START = /Traceback \(most recent call last\):\s*$/;
const FRAME = /^\s*File "([^"]+)", line (\d+)(?:, in (.+?))?\s*$/;
const EXCEPTION = /^\s*((?:[A-Za-z_]\w*\.)*[A-Z]\w*)(?::\s?(.*))?$/;
const CAUSE = "The above exception was the direct cause of the following exception:";
const CONTEXT = "During handling of the above exception, another exception occurred:";
const REPEATED = /^\s*\[Previous line repeated \d+ more times?\]\s*$/;

/** A module name for files of installed packages and the standard library (`requests/api.py` → `requests.api`). */
function moduleOf(file: string): string | undefined {
  const m =
    /[/\\](?:site|dist)-packages[/\\](.+)\.py$/.exec(file) ??
    /[/\\]lib[/\\]python[\d.]*[/\\](.+)\.py$/i.exec(file) ??
    /^(\w[\w/]*)\.py$/.exec(file);
  return m ? m[1]!.replace(/[/\\]/g, ".").replace(/\.__init__$/, "") : undefined;
}

/** Reads one `File "…", line N, in fn` line, or undefined. */
export function parsePythonFrame(raw: string): Frame | undefined {
  const m = FRAME.exec(raw);
  if (!m) return undefined;
  const frame: Frame = { file: m[1]!, line: Number(m[2]), inApp: false, raw };
  if (m[3]) frame.function = m[3];
  const mod = moduleOf(m[1]!);
  if (mod) frame.module = mod;
  frame.inApp = !isLibraryFrame("python", frame);
  return frame;
}

/** Reads one `Traceback …` block: frames (with their source lines), then the exception line. */
function readBlock(lines: readonly string[], start: number): ParseResult | undefined {
  const at = START.exec(lines[start]!);
  if (!at) return undefined;
  const indent = lines[start]!.slice(0, at.index);
  const frames: Frame[] = [];
  const warnings: string[] = [];
  let skipped = 0;
  let j = start + 1;
  while (j < lines.length) {
    const line = lines[j]!.startsWith(indent) ? lines[j]!.slice(indent.length) : lines[j]!;
    const frame = parsePythonFrame(line);
    if (frame) frames.push(frame);
    else if (REPEATED.test(line)) {
      // recursion marker: the previous frame repeated, nothing new to record
    } else if (/^\s{4,}\S/.test(line) && frames.length) {
      // the source line (or the ^^^ markers) under a frame
    } else {
      const next = /^\s/.test(line) ? nextAfterNoise(lines, j, (l) => FRAME.test(l)) : undefined;
      if (next === undefined) break;
      skipped += next - j;
      j = next;
      continue;
    }
    j++;
  }
  const exLine = j < lines.length ? lines[j]!.slice(lines[j]!.startsWith(indent) ? indent.length : 0) : "";
  const ex = EXCEPTION.exec(exLine);
  if (!ex && !frames.length) return undefined;
  if (skipped) warnings.push(interleavedWarning(skipped));
  if (!ex) warnings.push("truncated: the traceback ends before its exception line");
  const trace: ParsedTrace = {
    language: "python",
    exception: ex ? { type: ex[1]!, message: (ex[2] ?? "").trim() } : { type: "unknown", message: "" },
    frames: frames.reverse(),
  };
  if (warnings.length) trace.warnings = warnings;
  return { trace, end: ex ? j + 1 : j };
}

/** Skips blank lines; returns the relation when a chain separator and another traceback follow. */
function chainAt(lines: readonly string[], from: number): { relation: CauseRelation; next: number } | undefined {
  let j = from;
  while (j < lines.length && lines[j]!.trim() === "") j++;
  const sep = lines[j]?.trim();
  const relation = sep === CAUSE ? "cause" : sep === CONTEXT ? "context" : undefined;
  if (!relation) return undefined;
  j++;
  while (j < lines.length && lines[j]!.trim() === "") j++;
  return j < lines.length && START.test(lines[j]!) ? { relation, next: j } : undefined;
}

/** The Python traceback parser. */
export const pythonParser: TraceParser = {
  language: "python",
  parseAt(lines, start) {
    const first = readBlock(lines, start);
    if (!first) return undefined;
    const blocks = [first.trace];
    const relations: CauseRelation[] = [];
    let end = first.end;
    for (let link = chainAt(lines, end); link; link = chainAt(lines, end)) {
      const block = readBlock(lines, link.next);
      if (!block) break;
      blocks.push(block.trace);
      relations.push(link.relation);
      end = block.end;
    }
    const top = blocks.pop()!;
    if (blocks.length) {
      top.causes = blocks.reverse();
      top.relation = relations.at(-1)!;
      const warnings = blocks.flatMap((b) => b.warnings ?? []);
      if (warnings.length) top.warnings = [...(top.warnings ?? []), ...warnings];
    }
    return { trace: top, end };
  },
};
