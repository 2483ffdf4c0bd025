/**
 * What timed-out calls need: the measured latency of the calls a diagnosis's timeout logs name,
 * as metric evidence the config fixer sizes a limit from.
 */
import type { Evidence } from "../diagnosis.js";
import type { StoredLogRecord } from "../../store/index.js";

/** The p99 latency in ms of `peer`'s requests on `path`, when metrics can tell. */
export type LatencyP99 = (peer: string, path: string) => Promise<number | undefined>;

/** A timed-out call named in a log line: `<peer> <METHOD> <path> timed out`. */
const TIMED_OUT_CALL = /(\S+)\s+(?:GET|HEAD|POST|PUT|PATCH|DELETE)\s+(\/\S*)\s+timed?[ -]?out/i;

/**
 * What the timed-out calls need: for each (peer, path) the timeouts name (up to three), the
 * peer's measured p99 latency on that path, as metric evidence the config fixer sizes from.
 */
export async function timeoutNeeds(
  timeouts: StoredLogRecord[],
  latencyP99Ms: LatencyP99 | undefined,
): Promise<Evidence[]> {
  if (!latencyP99Ms) return [];
  const calls = new Map<string, { peer: string; path: string }>();
  for (const r of timeouts) {
    const m = TIMED_OUT_CALL.exec(r.message);
    if (m?.[1] && m[2] && calls.size < 3) calls.set(`${m[1]} ${m[2]}`, { peer: m[1], path: m[2].split("?")[0]! });
  }
  const out: Evidence[] = [];
  for (const { peer, path } of calls.values()) {
    const p99Ms = await latencyP99Ms(peer, path).catch(() => undefined);
    if (p99Ms === undefined) continue;
    out.push({
      kind: "metric",
      summary: `${peer} answers ${path} in ${Math.round(p99Ms)} ms at p99 (its own request metrics)`,
      data: { peer, path, p99Ms },
    });
  }
  return out;
}
