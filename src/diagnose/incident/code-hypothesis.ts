/**
 * The code_bug hypothesis of an incident: the most frequent stack trace (exception type and top
 * in-app frame, error-signature.ts) among the service's own error logs; 0.5 + 0.45 × its share.
 */
import type { Evidence, Hypothesis } from "../diagnosis.js";
import type { StoredLogRecord } from "../../store/index.js";
import { recordText } from "../stacktrace/record-text.js";
import { errorSignature } from "./error-signature.js";

/** The most common stack trace among `errors` (the service's own errors), its share of `total`. */
export function codeHypothesis(
  errors: StoredLogRecord[],
  total: number,
): { hypothesis: Hypothesis; trace: string } | undefined {
  const groups = new Map<string, { count: number; summary: string; record: StoredLogRecord }>();
  for (const r of errors) {
    const sig = errorSignature(r);
    if (!sig.traced) continue;
    const g = groups.get(sig.key);
    if (g) g.count++;
    else groups.set(sig.key, { count: 1, summary: sig.summary, record: r });
  }
  const best = [...groups.values()].sort((a, b) => b.count - a.count)[0];
  if (!best) return undefined;
  const share = best.count / total;
  const evidence: Evidence[] = [
    { kind: "frame", summary: best.summary },
    {
      kind: "log_line",
      summary: `${best.count} of ${total} error logs of ${best.record.service} carry this trace`,
      data: { id: best.record.id, at: best.record.at },
    },
  ];
  return {
    trace: recordText(best.record),
    hypothesis: {
      kind: "code_bug",
      confidence: 0.5 + 0.45 * share,
      evidence,
      explanation: `${best.summary} — a code bug, in ${Math.round(share * 100)} % of the error logs.`,
    },
  };
}
