/**
 * What an event is about, as a structured value. The event log stores it as a string key
 * (`run:42`, `pr:shop#3`, `model:flaky:shop`, `topology`) so the API's `?subject=` filter (whole segments, common/subject-filter.ts) keeps working;
 * readers take ids from the typed payload, never by parsing that key back.
 */
export type Subject =
  | { kind: "run" | "rollout" | "release" | "heal" | "incident" | "agent"; id: number }
  | { kind: "series" | "service" | "logs" | "alert"; key: string }
  | { kind: "pr"; repo: string; number: number }
  | { kind: "model"; model: string; scope: string }
  | { kind: "topology" | "server" };

/** The stored key of a subject: `run:42`, `series:cpu{web}`, `pr:shop#3`, `topology`. */
export function subjectKey(s: Subject): string {
  switch (s.kind) {
    case "pr":
      return `pr:${s.repo}#${s.number}`;
    case "model":
      return `model:${s.model}:${s.scope}`;
    case "topology":
    case "server":
      return s.kind;
    default:
      return `${s.kind}:${"id" in s ? s.id : s.key}`;
  }
}
