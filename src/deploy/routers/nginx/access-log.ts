/**
 * Reads the nginx access log written in `LOG_FORMAT` incrementally (from the last offset) and
 * books each line under the release that owned the answering upstream address.
 */
import { open } from "node:fs/promises";
import type { MetricsBook } from "../release-metrics.js";

/** One parsed access-log line. */
export interface AccessLine {
  /** The upstream that answered last (after retries), or undefined when none did. */
  upstream: string | undefined;
  status: number;
  latencyMs: number;
}

/** Parses `upstream_addr|status|request_time`; undefined for a malformed line. */
export function parseAccessLine(line: string): AccessLine | undefined {
  const [addrs, status, time] = line.split("|");
  if (addrs === undefined || status === undefined || time === undefined) return undefined;
  const last = addrs
    .split(/[,:]\s+/)
    .at(-1)
    ?.trim();
  const n = Number(status);
  const seconds = Number(time);
  if (!Number.isInteger(n) || !Number.isFinite(seconds)) return undefined;
  return { upstream: last && last !== "-" ? last : undefined, status: n, latencyMs: seconds * 1000 };
}

/** Tails `path` into `book`, attributing lines by `releaseOf(upstream)`. */
export class AccessLogReader {
  #offset = 0;
  #partial = "";

  constructor(
    private readonly path: string,
    private readonly book: MetricsBook,
    private readonly releaseOf: (upstream: string) => string | undefined,
  ) {}

  /** Reads what was appended since the last call. */
  async catchUp(): Promise<void> {
    const file = await open(this.path, "r").catch(() => undefined);
    if (!file) return;
    try {
      const { size } = await file.stat();
      if (size <= this.#offset) return;
      const buf = Buffer.alloc(size - this.#offset);
      await file.read(buf, 0, buf.length, this.#offset);
      this.#offset = size;
      const lines = (this.#partial + buf.toString("utf8")).split("\n");
      this.#partial = lines.pop() ?? "";
      for (const line of lines) {
        const parsed = parseAccessLine(line);
        const release = parsed?.upstream && this.releaseOf(parsed.upstream);
        if (parsed && release) this.book.record(release, parsed.status, parsed.latencyMs);
      }
    } finally {
      await file.close();
    }
  }
}
