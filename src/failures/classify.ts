/**
 * Cause class of a failure from its ranked lines: each of the top lines votes for the classes its
 * signals point to, with its score × the rule's weight / 3 (a specific diagnosis counts fully, a
 * generic one less). The class with the most votes wins; its confidence is its share of all
 * votes. No vote at all gives `unknown`. A run's facts (a rerun of the same commit passed: flaky;
 * the engine's own timeout or kill) are decided by the caller that knows them, before the text.
 */
import type { FailureCategory } from "./category.js";
import type { CategoryEvidence, ExplainedLine, FailureClassification } from "./explanation.js";
import { SIGNAL_RULES } from "./signals.js";

/** How many of the best lines vote. */
const VOTERS = 10;

const RULE_CATEGORY = new Map(SIGNAL_RULES.filter((r) => r.category).map((r) => [r.id, r]));

/** Classifies a failure from its ranked lines (best first). */
export function classifyLines(lines: readonly ExplainedLine[]): FailureClassification {
  const votes: Partial<Record<FailureCategory, number>> = {};
  const evidence: CategoryEvidence[] = [];
  for (const l of lines.slice(0, VOTERS)) {
    const counted = new Set<FailureCategory>();
    for (const id of l.evidence.signals) {
      const rule = RULE_CATEGORY.get(id);
      if (!rule?.category || counted.has(rule.category)) continue;
      counted.add(rule.category);
      const weight = Math.round(((l.score * rule.weight) / 3) * 1000) / 1000;
      votes[rule.category] = (votes[rule.category] ?? 0) + weight;
      evidence.push({ line: l.line, rule: id, weight });
    }
  }
  let category: FailureCategory = "unknown";
  let best = 0;
  let total = 0;
  for (const [c, v] of Object.entries(votes) as [FailureCategory, number][]) {
    total += v;
    if (v > best) {
      best = v;
      category = c;
    }
  }
  const confidence = total > 0 ? Math.round((best / total) * 1000) / 1000 : 0;
  return {
    category,
    confidence,
    votes,
    evidence: evidence.filter((e) => e.rule && RULE_CATEGORY.get(e.rule)?.category === category),
  };
}
