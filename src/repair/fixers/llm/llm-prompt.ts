/**
 * The prompt of the LLM fixer: the exception and its in-app frames, the diagnosis when there is
 * one, the failing request, and the code around the top suspects (±N lines, numbered), with the
 * instruction to answer with a unified diff only.
 */
import { readFile } from "node:fs/promises";
import { resolve, sep } from "node:path";
import type { FixContext } from "../../fixer.js";
import type { ChatMessage } from "./chat-completions.js";

const SYSTEM = `You fix production failures in a code repository. You are given an exception, the code around the suspect lines and sometimes a diagnosis.
Answer with a unified diff only, in one \`\`\`diff code block: "--- a/PATH" and "+++ b/PATH" headers with paths relative to the repository root, then "@@" hunks with three lines of context copied exactly from the file (without the line numbers shown to you).
Change only what the fix needs, keep the file's style and indentation, and do not create, delete or rename files.`;

/** A code excerpt shown to the model: a file and the 1-based line range. */
export interface Excerpt {
  path: string;
  from: number;
  to: number;
}

/** `path` under `root`, or undefined when it leaves it. */
function under(root: string, path: string): string | undefined {
  const full = resolve(root, path);
  return full.startsWith(root + sep) ? full : undefined;
}

/** The excerpts around the top in-app suspects, one merged range per file, files in suspect order. */
async function excerpts(ctx: FixContext, around: number, top: number): Promise<{ excerpt: Excerpt; text: string }[]> {
  const byFile = new Map<string, { lines: string[]; ranges: [number, number][] }>();
  for (const s of ctx.suspects.filter((x) => x.inApp && x.line !== undefined).slice(0, top)) {
    const full = under(ctx.repoDir, s.file);
    if (!full) continue;
    let entry = byFile.get(s.file);
    if (!entry) {
      const text = await readFile(full, "utf8").catch(() => undefined);
      if (text === undefined) continue;
      entry = { lines: text.split("\n"), ranges: [] };
      byFile.set(s.file, entry);
    }
    entry.ranges.push([Math.max(1, s.line! - around), Math.min(entry.lines.length, s.line! + around)]);
  }
  const out: { excerpt: Excerpt; text: string }[] = [];
  for (const [path, { lines, ranges }] of byFile) {
    ranges.sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const r of ranges) {
      const last = merged.at(-1);
      if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
      else merged.push([...r]);
    }
    const width = String(merged.at(-1)![1]).length;
    for (const [from, to] of merged) {
      const numbered = lines.slice(from - 1, to).map((l, k) => `${String(from + k).padStart(width)} | ${l}`);
      out.push({ excerpt: { path, from, to }, text: numbered.join("\n") });
    }
  }
  return out;
}

/** The messages for `ctx`, and the excerpts they show; no excerpt means nothing to ask about. */
export async function llmPrompt(
  ctx: FixContext,
  opts: { contextLines: number; topSuspects?: number },
): Promise<{ messages: ChatMessage[]; shown: Excerpt[] }> {
  const code = await excerpts(ctx, opts.contextLines, opts.topSuspects ?? 3);
  const parts: string[] = [];
  if (ctx.trace) {
    parts.push(`The service failed with ${ctx.trace.exception.type}: ${ctx.trace.exception.message}`);
    const frames = ctx.suspects
      .slice(0, 8)
      .map((s) => `  ${s.file}${s.line ? `:${s.line}` : ""}${s.function ? ` in ${s.function}` : ""}`);
    if (frames.length) parts.push(`Suspect frames, most likely first:\n${frames.join("\n")}`);
  }
  if (ctx.request)
    parts.push(
      `It failed serving ${ctx.request.method} ${ctx.request.path}${ctx.request.status ? ` (answered ${ctx.request.status})` : ""}.`,
    );
  if (ctx.diagnosis) {
    const hypotheses = ctx.diagnosis.hypotheses
      .slice(0, 3)
      .map((h) => `- ${h.kind} (confidence ${h.confidence}): ${h.explanation}`);
    parts.push(`Diagnosis: ${ctx.diagnosis.summary}${hypotheses.length ? `\n${hypotheses.join("\n")}` : ""}`);
  }
  parts.push(
    "The code around the suspects (line numbers on the left are not part of the file):",
    ...code.map((c) => `${c.excerpt.path} lines ${c.excerpt.from}-${c.excerpt.to}:\n\`\`\`\n${c.text}\n\`\`\``),
    "Answer with the unified diff that fixes the failure.",
  );
  return {
    messages: [
      { role: "system", content: SYSTEM },
      { role: "user", content: parts.join("\n\n") },
    ],
    shown: code.map((c) => c.excerpt),
  };
}
