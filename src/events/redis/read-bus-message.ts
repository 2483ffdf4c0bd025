import * as z from "zod";
import type { BusMessage } from "../domain-event.js";
import { readEvent } from "../read-event.js";

const rawEvent = z.object({ id: z.number(), type: z.string(), subject: z.string(), data: z.unknown(), at: z.number() });
const liveLogLine = z.object({
  runId: z.number(),
  jobId: z.number(),
  attempt: z.number(),
  stepIdx: z.number(),
  seq: z.number(),
  stream: z.enum(["stdout", "stderr", "system"]),
  line: z.string(),
  at: z.number(),
});
const message = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("event"), event: rawEvent }),
  z.object({ kind: z.literal("log"), log: liveLogLine }),
]);

/**
 * A parsed message from Redis (another replica, or anyone who can publish on the channel),
 * checked: an event must be of a known type with a well-formed payload (`readEvent`), a log line
 * must have every field of `LiveLogLine`. Otherwise why it is refused.
 */
export function readBusMessage(parsed: unknown): { message: BusMessage } | { refused: string } {
  const m = message.safeParse(parsed);
  if (!m.success) return { refused: `not a bus message (${m.error.issues[0]?.message ?? "invalid"})` };
  if (m.data.kind === "log") return { message: m.data };
  const read = readEvent(m.data.event);
  return "event" in read ? { message: { kind: "event", event: read.event } } : read;
}
