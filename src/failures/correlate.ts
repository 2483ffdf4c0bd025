/**
 * What separates a job's failing runs from its passing ones. Each run of the job is a set of
 * attributes (branch, event, author, agent, hour of day, …); for every attribute value seen in at
 * least MIN_SUPPORT failing runs, the runs split into "with the value" and "without it", and a
 * one-sided Fisher exact test asks whether the failure rate is higher with it. A value is reported
 * when that is significant (p < MAX_P), its failure rate (confidence) is at least MIN_CONFIDENCE
 * and at least 1.5 × the rate without it (lift). Fisher's test needs no large samples, and the
 * bounds are the usual ones of association-rule mining and of a 1 % test, not fitted to any data.
 */
import { fisherExactGreater } from "../deploy/index.js";

/** One finished run of the job, with the attributes it is compared on. */
export interface CorrelationItem {
  failed: boolean;
  /** Attribute name → value (absent when unknown for this run). */
  attributes: Record<string, string>;
}

/** An attribute value that separates failing from passing runs, with its evidence. */
export interface CorrelationFinding {
  attribute: string;
  value: string;
  /** Failing runs with the value (the support). */
  failing: number;
  /** Passing runs with the value. */
  passing: number;
  /** Failing share of the runs with the value. */
  confidence: number;
  /** Failing share of the runs without it. */
  rateWithout: number;
  /** One-sided Fisher exact p-value that the value raises the failure rate. */
  p: number;
  /** One sentence, e.g. "fails on agent r2: 6 of 6 runs (2 of 30 without)". */
  text: string;
}

/** Failing runs a value must be seen in to be reported. */
export const MIN_SUPPORT = 3;
/** Largest p-value reported. */
export const MAX_P = 0.01;
/** Smallest failing share of the runs with the value. */
export const MIN_CONFIDENCE = 0.8;
/** Smallest ratio of the failure rate with the value to the rate without it. */
const MIN_LIFT = 1.5;
/** Most findings returned, most significant first. */
const MAX_FINDINGS = 5;

/** The attribute values that separate failing from passing runs, most significant first. */
export function correlate(items: readonly CorrelationItem[]): CorrelationFinding[] {
  const counts = new Map<string, { attribute: string; value: string; failing: number; passing: number }>();
  for (const item of items) {
    for (const [attribute, value] of Object.entries(item.attributes)) {
      const k = `${attribute}\u0000${value}`;
      const c = counts.get(k) ?? { attribute, value, failing: 0, passing: 0 };
      if (item.failed) c.failing++;
      else c.passing++;
      counts.set(k, c);
    }
  }
  const findings: CorrelationFinding[] = [];
  for (const c of counts.values()) {
    if (c.failing < MIN_SUPPORT) continue;
    const known = items.filter((i) => i.attributes[c.attribute] !== undefined).length;
    const withTotal = c.failing + c.passing;
    const withoutTotal = known - withTotal;
    const withoutFailing = items.filter((i) => i.failed && i.attributes[c.attribute] !== undefined).length - c.failing;
    if (withoutTotal <= 0) continue; // every run has the value: it separates nothing
    const confidence = c.failing / withTotal;
    const rateWithout = withoutFailing / withoutTotal;
    if (confidence < MIN_CONFIDENCE || confidence < MIN_LIFT * rateWithout) continue;
    const p = fisherExactGreater(
      { errors: c.failing, total: withTotal },
      { errors: withoutFailing, total: withoutTotal },
    );
    if (p >= MAX_P) continue;
    findings.push({
      ...c,
      confidence,
      rateWithout,
      p,
      text: `fails with ${c.attribute} ${c.value}: ${c.failing} of ${withTotal} runs (${withoutFailing} of ${withoutTotal} without)`,
    });
  }
  return findings.sort((a, b) => a.p - b.p || b.failing - a.failing).slice(0, MAX_FINDINGS);
}
