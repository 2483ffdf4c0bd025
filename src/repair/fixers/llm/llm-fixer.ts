/**
 * The LLM fixer (the `Fixer` port, kind "llm"; off unless `repair.llm` is configured): asks an
 * OpenAI-compatible chat endpoint for a unified diff, given the exception, the diagnosis and the
 * code around the top suspects (`llm-prompt.ts`), and turns the answer into one patch
 * (`answer-diff.ts`). The patch's diff is rewritten from its whole-file edits, so it is proven
 * exactly like any other fixer's. The API key is read from an environment variable at each call
 * and never logged; errors (HTTP, timeout, unusable answer) throw an LlmError the chain records.
 */
import { posix } from "node:path";
import type { RepairLlmConfig } from "../../../common/config/config-schema.js";
import type { FixContext, Fixer, Patch } from "../../fixer.js";
import { unifiedDiff } from "../../unified-diff.js";
import { editsFromDiff, extractDiff } from "./answer-diff.js";
import { chatCompletion } from "./chat-completions.js";
import { llmPrompt } from "./llm-prompt.js";

/** How to reach the model (the `repair.llm` config section, camel-cased). */
export interface LlmSettings {
  /** Base URL of the API; the fixer POSTs to `${url}/chat/completions`. */
  url: string;
  model: string;
  /** The environment variable holding the API key (default `PITCREW_LLM_API_KEY`); unset: no key sent. */
  apiKeyEnv?: string;
  /** Default 60 000 ms. */
  timeoutMs?: number;
  /** Lines of code shown above and below each suspect line (default 20). */
  maxContextLines?: number;
  /** Where the key is read from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
}

/** The model's notes are kept up to this many characters in the explanation. */
const MAX_NOTES = 1500;

/** Proposes the patch an OpenAI-compatible model writes for the failure. */
export class LlmFixer implements Fixer {
  readonly name = "llm/chat-completions";
  readonly kind = "llm" as const;
  readonly #settings: LlmSettings;

  constructor(settings: LlmSettings) {
    this.#settings = settings;
  }

  /** The fixer the `repair.llm` config section describes. */
  static fromConfig(section: RepairLlmConfig): LlmFixer {
    return new LlmFixer({
      url: section.url,
      model: section.model,
      apiKeyEnv: section.api_key_env,
      timeoutMs: section.timeout_ms,
      maxContextLines: section.max_context_lines,
    });
  }

  /** One patch, or none when there is no code to show the model (see the Fixer protocol). */
  async propose(ctx: FixContext): Promise<Patch[]> {
    const s = this.#settings;
    const { messages, shown } = await llmPrompt(ctx, { contextLines: s.maxContextLines ?? 20 });
    if (shown.length === 0) return [];
    const answer = await chatCompletion({
      url: s.url,
      model: s.model,
      apiKey: (s.env ?? process.env)[s.apiKeyEnv ?? "PITCREW_LLM_API_KEY"],
      messages,
      timeoutMs: s.timeoutMs ?? 60_000,
    });
    const { diff, prose } = extractDiff(answer);
    const edits = await editsFromDiff(ctx.repoDir, diff);
    const exception = ctx.trace?.exception.type ?? "the failure";
    const files = edits.map((e) => posix.basename(e.path)).join(", ");
    const context = shown.map((e) => `${e.path}:${e.from}-${e.to}`).join(", ");
    const notes = prose.length > MAX_NOTES ? `${prose.slice(0, MAX_NOTES)}…` : prose;
    return [
      {
        fixer: this.name,
        kind: this.kind,
        title: `Fix ${exception} in ${files} (suggested by ${s.model})`,
        explanation: [
          `The model ${s.model} wrote this patch from the exception${ctx.diagnosis ? ", the diagnosis" : ""} and the code around the suspects (${context}). It was checked to apply to the base and is proven like any other patch.`,
          ...(notes ? [`The model's notes: ${notes}`] : []),
        ].join("\n"),
        edits,
        diff: unifiedDiff(edits),
      },
    ];
  }
}
