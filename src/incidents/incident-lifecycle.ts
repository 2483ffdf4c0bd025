/**
 * The incident lifecycle, exactly as the code below enforces it:
 *
 * ```
 *            ack (operator)                resolve (operator) | all alerts resolved (auto)
 *   open ─────────────────► acknowledged ─────────────────────────────────────────► resolved
 *     └──────────────────────────── resolve (operator) | auto ─────────────────────────┘
 * ```
 *
 * - An incident opens with its first signal (a firing alert, or an anomaly scoring ≥ the threshold).
 * - Signals may join while it is open or acknowledged (timeline `signal`, event `incident.updated`).
 * - It resolves automatically when it holds at least one alert and every alert it holds has resolved;
 *   an incident of anomalies only is resolved by a person.
 * - `resolved` is final: a later signal opens a new incident.
 * - Every transition is a compare-and-set on (status, version) in one transaction with its timeline
 *   entry, then announced (`incident.acknowledged`, `incident.resolved`); a lost race is a conflict.
 */
import { ConflictError } from "../common/errors.js";
import type { IncidentStatus } from "../store/index.js";

const ALLOWED: Record<IncidentStatus, IncidentStatus[]> = {
  open: ["acknowledged", "resolved"],
  acknowledged: ["resolved"],
  resolved: [],
};

/** True when the lifecycle allows going from `from` to `to`. */
export function canTransition(from: IncidentStatus, to: IncidentStatus): boolean {
  return ALLOWED[from].includes(to);
}

/** Throws a ConflictError saying why when the lifecycle forbids the transition. */
export function assertTransition(id: number, from: IncidentStatus, to: IncidentStatus): void {
  if (!canTransition(from, to)) {
    throw new ConflictError(`incident ${id} is ${from}; it cannot become ${to}`, { status: from, wanted: to });
  }
}
