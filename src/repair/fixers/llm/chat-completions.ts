/**
 * A client of one call of the OpenAI chat-completions API (`POST {url}/chat/completions`), as
 * spoken by OpenAI, Azure-compatible proxies, vLLM, llama.cpp, Ollama and others. HTTP errors,
 * a timeout and answers without `choices[0].message.content` throw an LlmError that says which.
 */
import { LlmError } from "./llm-error.js";

/** One chat message. */
export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/** One call. */
export interface ChatRequest {
  /** Base URL of the API, e.g. `https://api.openai.com/v1`. */
  url: string;
  model: string;
  /** Sent as `Authorization: Bearer …` when given. */
  apiKey?: string;
  messages: ChatMessage[];
  timeoutMs: number;
}

/** The text of the first choice of a chat completion. */
export async function chatCompletion(req: ChatRequest): Promise<string> {
  const endpoint = `${req.url.replace(/\/+$/, "")}/chat/completions`;
  const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
  if (req.apiKey) headers.authorization = `Bearer ${req.apiKey}`;
  let res: Response;
  let text: string;
  try {
    res = await fetch(endpoint, {
      method: "POST",
      headers,
      body: JSON.stringify({ model: req.model, messages: req.messages, temperature: 0 }),
      signal: AbortSignal.timeout(req.timeoutMs),
    });
    text = await res.text();
  } catch (err) {
    const e = err as Error;
    if (e.name === "TimeoutError")
      throw new LlmError(`the LLM endpoint ${endpoint} did not answer within ${req.timeoutMs} ms`, { cause: err });
    throw new LlmError(
      `the LLM endpoint ${endpoint} could not be reached: ${(e.cause as Error)?.message ?? e.message}`,
      {
        cause: err,
      },
    );
  }
  if (!res.ok) throw new LlmError(`the LLM endpoint ${endpoint} answered ${res.status}: ${text.slice(0, 300)}`);
  let content: unknown;
  try {
    content = (JSON.parse(text) as { choices?: { message?: { content?: unknown } }[] }).choices?.[0]?.message?.content;
  } catch {
    content = undefined;
  }
  if (typeof content !== "string")
    throw new LlmError(
      `the LLM endpoint ${endpoint} did not give an OpenAI chat-completions answer (no choices[0].message.content): ${text.slice(0, 200)}`,
    );
  return content;
}
