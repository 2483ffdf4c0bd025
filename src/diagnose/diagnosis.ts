/**
 * A diagnosis: ranked hypotheses about why a service fails, each with its evidence and a
 * plain-language explanation. Made by `heal/diagnose-incident.ts` from an incident; the config fixer
 * and the repair chain read it.
 */

/** What kind of fault a hypothesis names. */
export type HypothesisKind =
  | "code_bug"
  | "config"
  | "resource"
  | "dependency"
  | "deploy_regression"
  /** The errors began with a new kind of request (route or parameter shape), or a surge of one. */
  | "traffic_shift";

/** One piece of evidence behind a hypothesis. */
export interface Evidence {
  kind: "log_line" | "frame" | "metric" | "commit" | "alert" | "release" | "traffic";
  /** Human-readable summary, e.g. `TypeError at src/cart.ts:42 (total)`. */
  summary: string;
  /** Structured detail (frame, metric sample, commit sha…). */
  data?: Record<string, unknown>;
}

/** One explanation of the failure, with how sure we are. */
export interface Hypothesis {
  kind: HypothesisKind;
  /** 0..1; hypotheses of a diagnosis are sorted by it, best first. */
  confidence: number;
  evidence: Evidence[];
  /** Plain language, one or two sentences. */
  explanation: string;
}

/** The diagnosis of one failure (an incident, or a trace given on the CLI). */
export interface Diagnosis {
  service?: string;
  incidentId?: string;
  hypotheses: Hypothesis[];
  /** One paragraph for humans (PR body, dashboard). */
  summary: string;
  createdAt: number;
  /** When the failure began (epoch ms; the first error of its current episode), when known. */
  onsetAt?: number;
}
