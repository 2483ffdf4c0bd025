/**
 * Go panics and goroutine dumps: a `panic: …` / `fatal error: …` / `SIGQUIT: quit` header (or
 * net/http's `http: panic serving ADDR: …` for a handler's recovered panic, after an optional
 * `log` timestamp), then
 * `goroutine N [state]:` sections of function lines, each followed by a tab-indented
 * `/path/file.go:123 +0x1d` line. The first `[running]` goroutine (else the first one) is the
 * trace's frames; the others go to `threads`. `created by` lines are not frames of the stack.
 */
import { isLibraryFrame } from "./in-app.js";
import type { Frame, ParsedTrace, TraceParser } from "./types.js";

const HEADER = /^(panic|fatal error|SIG[A-Z]+|unexpected fault address|runtime: [\w ]+):\s?(.*)$/;
/** net/http's log line for a panic it recovered in a handler. */
const HTTP_PANIC = /^(?:\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d(?:\.\d+)? )?http: (panic) serving \S+?: (.*)$/;
const GOROUTINE = /^goroutine (\d+)(?: \w+=\S+)* \[([^\]]*)\]:\s*$/;
const FUNC = /^((?:[\w.~-]+\/)*[\w.~-]+?)\.((?:\(\*?[\w.[\]~, ]+\)\.)?[\w.[\]~,-]+?)(?:\(.*\))?$/;
const LOCATION = /^\s+(\S+\.(?:go|s|c)):(\d+)(?: \+0x[0-9a-f]+)?(?: fp=\S+ sp=\S+ pc=\S+)?\s*$/;
const CREATED = /^created by /;

/** Builds a frame from a function line and its location line. */
function toFrame(fn: string, loc: RegExpExecArray, raw: string): Frame {
  const m = FUNC.exec(fn);
  const frame: Frame = { file: loc[1]!, line: Number(loc[2]), inApp: false, raw };
  if (m) {
    frame.module = m[1]!;
    frame.function = m[2]!;
  } else frame.function = fn;
  frame.inApp = !isLibraryFrame("go", frame);
  return frame;
}

/** Reads the function/location pairs of one goroutine from `start`; returns frames and the next line. */
function readGoroutine(lines: readonly string[], start: number): { frames: Frame[]; end: number } {
  const frames: Frame[] = [];
  let j = start;
  while (j + 1 < lines.length) {
    const fn = lines[j]!.trim();
    const loc = LOCATION.exec(lines[j + 1]!);
    if (!fn || !loc || /^\s/.test(lines[j]!)) break;
    if (!CREATED.test(fn)) frames.push(toFrame(fn, loc, `${fn}\n${lines[j + 1]}`));
    j += 2;
  }
  if (j < lines.length && /^\.\.\.(additional frames elided)?\.*\s*$/.test(lines[j]!.trim())) j++;
  return { frames, end: j };
}

/** The Go panic / goroutine dump parser. */
export const goParser: TraceParser = {
  language: "go",
  parseAt(lines, start) {
    const header = HEADER.exec(lines[start]!.trim()) ?? HTTP_PANIC.exec(lines[start]!.trim());
    if (!header && !GOROUTINE.test(lines[start]!)) return undefined;
    const messages = header ? [header[2]!] : [];
    let j = start + (header ? 1 : 0);
    // further panic lines (`panic: x [recovered]` + `\tpanic: y`), the signal line, blank lines
    while (j < lines.length && !GOROUTINE.test(lines[j]!) && j - start < 8) {
      const more = /^\s*(?:panic: )?(.*)$/.exec(lines[j]!)![1]!.trim();
      if (more && !/^\[signal /.test(more) && !/^(PC|pc)=/.test(more)) messages.push(more);
      j++;
    }
    const threads: { name: string; frames: Frame[]; running: boolean }[] = [];
    while (j < lines.length) {
      const g = GOROUTINE.exec(lines[j]!);
      if (!g) {
        if (lines[j]!.trim() === "" && GOROUTINE.test(lines[j + 1] ?? "")) j++;
        else break;
        continue;
      }
      const read = readGoroutine(lines, j + 1);
      threads.push({ name: `goroutine ${g[1]} [${g[2]}]`, frames: read.frames, running: g[2]!.startsWith("running") });
      j = read.end;
    }
    if (!threads.length) return undefined;
    const main =
      threads.find((t) => t.running && t.frames.length) ??
      threads.find((t) => t.frames.some((f) => f.inApp)) ??
      threads.find((t) => t.frames.length) ??
      threads[0]!;
    const trace: ParsedTrace = {
      language: "go",
      exception: { type: header?.[1] ?? "goroutine dump", message: messages.join("\n") },
      frames: main.frames,
    };
    const others = threads.filter((t) => t !== main).map(({ name, frames }) => ({ name, frames }));
    if (others.length) trace.threads = others;
    if (!main.frames.length) trace.warnings = ["truncated: the goroutine has no frames"];
    return { trace, end: j };
  },
};
