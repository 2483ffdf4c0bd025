/**
 * A failure's signature: what stays the same when the same failure happens again in another run
 * or project. It is the cause class plus the masked template (numbers, paths, ids, hex → `<*>`,
 * through the log miner's masking) of the explaining line with the strongest error signal (the
 * highest signal-rule weight; the better-ranked line on a tie), or of the best-ranked line when
 * none carries a signal: a compiler diagnostic or an exception names a failure, a bare exit
 * code does not. Two failures with one signature are "the same
 * failure" for grouping across runs; the key is a short hash of the class and the template.
 */
import { createHash } from "node:crypto";
import { maskTokens, tokenize } from "../detect/index.js";
import type { ExplainedLine } from "./explanation.js";
import { SIGNAL_RULES } from "./signals.js";

/** The signature of one explained failure. */
export interface FailureSignature {
  /** 12 hex digits: the hash of `category` and `template`. */
  key: string;
  category: string;
  /** The masked line the signature is made of ("" when the explanation has no line). */
  template: string;
}

/** Longest template kept (a very long line is cut: its start names the failure). */
const MAX_TEMPLATE = 300;

/** The signature of an explanation's class and ranked lines. */
export function failureSignature(
  category: string,
  lines: readonly { text: ExplainedLine["text"]; evidence: { signals?: readonly string[] } }[],
): FailureSignature {
  let best = lines[0];
  let strongest = 0;
  for (const l of lines) {
    const weight = signalWeight(l.evidence?.signals);
    if (weight > strongest) [best, strongest] = [l, weight];
  }
  const template = best ? maskTokens(tokenize(best.text)).join(" ").slice(0, MAX_TEMPLATE) : "";
  const key = createHash("sha256").update(`${category}\n${template}`).digest("hex").slice(0, 12);
  return { key, category, template };
}

const WEIGHTS = new Map(SIGNAL_RULES.map((r) => [r.id, r.weight]));

/** The strongest weight among a line's signal rules (0 without any). */
function signalWeight(signals: unknown): number {
  if (!Array.isArray(signals)) return 0;
  return Math.max(0, ...signals.map((id) => WEIGHTS.get(String(id)) ?? 0));
}
