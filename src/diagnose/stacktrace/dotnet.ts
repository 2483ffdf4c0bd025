/**
 * .NET traces: `Ns.SomeException: message ---> Ns.InnerException: inner` headers, frames
 * `at Ns.Class.Method(args) in C:\path\File.cs:line 42` (the `in …` part only with PDBs), the
 * inner exception's frames first, then `--- End of inner exception stack trace ---` and the outer
 * frames. `--- End of stack trace from previous location ---` (async rethrow) continues the same
 * stack. Async state machines (`<GetAsync>d__5.MoveNext`) are shown as the method they implement.
 */
import { isLibraryFrame } from "./in-app.js";
import { interleavedWarning, nextAfterNoise } from "./noise.js";
import type { Frame, ParsedTrace, TraceParser } from "./types.js";

const TYPE = String.raw`((?:[A-Za-z_]\w*\.)+[A-Za-z_]\w*(?:Exception|Error|Failure))`;
const HEADER = new RegExp(
  String.raw`^\s*(?:Unhandled [Ee]xception\.\s*|Unhandled exception:\s*|Exception:\s*)?${TYPE}(?::\s?(.*))?$`,
);
const FRAME = /^\s*at (.+?)\((.*?)\)(?: in (.+?):line (\d+))?\s*$/;
const END_INNER = /^\s*--- End of inner exception stack trace ---\s*$/;
const END_PREVIOUS = /^\s*--- End of stack trace from previous location( where exception was thrown)? ---\s*$/;
const INNER = / ---> /;
const INNER_LINE = /^\s*---> /;

/** Reads one .NET frame line, or undefined. */
export function parseDotnetFrame(raw: string): Frame | undefined {
  const m = FRAME.exec(raw);
  if (!m || /:\d+:\d+\)?\s*$/.test(raw)) return undefined;
  let qualified = m[1]!.replace(/\[[^\]]*\]$/, "");
  const asyncMethod = /^(.*)\.<([^>]+)>[a-z]__\w+\.MoveNext$/.exec(qualified);
  if (asyncMethod) qualified = `${asyncMethod[1]}.${asyncMethod[2]}`;
  const dot = qualified.lastIndexOf(".");
  const module = dot > 0 ? qualified.slice(0, dot) : undefined;
  const file = m[3] ?? `${(module ?? qualified).replace(/\+.*$/, "").replace(/\./g, "/")}.cs`;
  const frame: Frame = { file, function: qualified.slice(dot + 1), inApp: false, raw };
  if (module) frame.module = module;
  if (m[4]) frame.line = Number(m[4]);
  frame.inApp = !isLibraryFrame("dotnet", frame);
  return frame;
}

const continues = (line: string) => FRAME.test(line) || END_INNER.test(line) || END_PREVIOUS.test(line);

/** The .NET trace parser. */
export const dotnetParser: TraceParser = {
  language: "dotnet",
  parseAt(lines, start) {
    // .NET Framework prints the chain on one line; .NET (Core) puts each ` ---> Inner` on its own line
    let header = lines[start]!;
    let j = start + 1;
    while (j < lines.length && INNER_LINE.test(lines[j]!)) header += ` ---> ${lines[j++]!.replace(INNER_LINE, "")}`;
    const chain = header.split(INNER).map((part) => HEADER.exec(part));
    if (!chain[0] || chain.some((h) => !h) || !parseDotnetFrame(lines[j] ?? "")) return undefined;
    // printed: innermost exception's frames first, each `End of inner` closes one level
    const stacks: Frame[][] = [[]];
    let skipped = 0;
    while (j < lines.length) {
      const line = lines[j]!;
      const frame = parseDotnetFrame(line);
      if (frame) stacks.at(-1)!.push(frame);
      else if (END_INNER.test(line)) stacks.push([]);
      else if (!END_PREVIOUS.test(line)) {
        const next = nextAfterNoise(lines, j, continues);
        if (next === undefined) break;
        skipped += next - j;
        j = next;
        continue;
      }
      j++;
    }
    const traces: ParsedTrace[] = chain.map((h) => ({
      language: "dotnet",
      exception: { type: h![1]!, message: (h![2] ?? "").trim() },
      frames: [],
    }));
    // stacks[0] belongs to the innermost exception, the last stack to the outermost
    stacks.forEach((frames, i) => {
      const owner = traces[Math.max(0, traces.length - 1 - i)]!;
      owner.frames.push(...frames);
    });
    const top = traces[0]!;
    if (traces.length > 1) {
      top.causes = traces.slice(1);
      top.relation = "inner";
    }
    if (skipped) top.warnings = [interleavedWarning(skipped)];
    return { trace: top, end: j };
  },
};
