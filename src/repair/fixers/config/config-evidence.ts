/**
 * Reads what a diagnosis says about a config value: which key a timeout (or limit) names — from a
 * log line such as `timed out after 50 ms (catalog_timeout_ms=50)` or a `config_key` field — how
 * often it was hit, and what the calls need, from metric evidence carrying `p99Ms` (or `needMs`)
 * for the key or its peer.
 */
import type { Diagnosis, Evidence, Hypothesis } from "../../../diagnose/index.js";

/** What the evidence says about one key. */
export interface KeyEvidence {
  key: string;
  /** The value the failures ran with, when printed. */
  current?: number;
  /** What the calls need, in ms (the p99 latency observed), when measured. */
  needMs?: number;
  /** The evidence lines, for the explanation. */
  summaries: string[];
  /** The hypothesis these came from. */
  hypothesis: Hypothesis;
}

const NAMED = /\b([A-Za-z_][\w.-]*)=(\d+(?:\.\d+)?)\b/g;

/** Keys named by an evidence item: `key=value` in its summary or a `config_key` field. */
function keysOf(e: Evidence): { key: string; value?: number }[] {
  const out: { key: string; value?: number }[] = [...e.summary.matchAll(NAMED)].map((m) => ({
    key: m[1]!,
    value: Number(m[2]),
  }));
  const field = e.data?.config_key;
  if (typeof field === "string" && !out.some((k) => k.key === field)) out.push({ key: field });
  return out;
}

/** The need in ms a metric evidence item states for `key`, undefined when it is not about it. */
function needOf(e: Evidence, key: string): number | undefined {
  if (e.kind !== "metric" || !e.data) return undefined;
  const { key: forKey, peer } = e.data as { key?: unknown; peer?: unknown };
  const about = forKey === key || (typeof peer === "string" && key.startsWith(`${peer}_`)) || (!forKey && !peer);
  const need = e.data.p99Ms ?? e.data.needMs;
  return about && typeof need === "number" && need > 0 ? need : undefined;
}

/** Keys the config hypotheses of `diagnosis` point at, best hypothesis first. */
export function configEvidence(diagnosis: Diagnosis | undefined): KeyEvidence[] {
  const out: KeyEvidence[] = [];
  for (const h of diagnosis?.hypotheses ?? []) {
    if (h.kind !== "config") continue;
    const byKey = new Map<string, KeyEvidence>();
    for (const e of h.evidence)
      for (const { key, value } of keysOf(e)) {
        const entry = byKey.get(key) ?? { key, summaries: [], hypothesis: h };
        entry.current ??= value;
        entry.summaries.push(e.summary);
        byKey.set(key, entry);
      }
    for (const entry of byKey.values()) {
      const needs = h.evidence.map((e) => needOf(e, entry.key)).filter((n): n is number => n !== undefined);
      if (needs.length) entry.needMs = Math.max(...needs);
      out.push(entry);
    }
  }
  return out;
}
