/** The largest Server-Sent Event the CLI accepts (a log line is far smaller); bigger ones are an error. */
const MAX_EVENT_BYTES = 1024 * 1024;

/** One Server-Sent Event: its name and parsed JSON data. */
export interface SseEvent {
  event: string;
  data: unknown;
}

/**
 * Reads a `text/event-stream` body event by event (comments and pings skipped), streaming: only
 * the event being received is buffered, and it is bounded.
 */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const parsed = parseBlock(block);
      if (parsed) yield parsed;
    }
    if (buffer.length > MAX_EVENT_BYTES) throw new Error(`the server sent an event over ${MAX_EVENT_BYTES} bytes`);
  }
}

function parseBlock(block: string): SseEvent | undefined {
  let event = "message";
  const data: string[] = [];
  for (const line of block.split("\n")) {
    if (line.startsWith("event:")) event = line.slice(6).trim();
    else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
  }
  if (data.length === 0) return undefined;
  return { event, data: JSON.parse(data.join("\n")) };
}
