/** Shared pieces of the dashboard's views: status badges, error notes, loading lines. */
import type { ReactNode } from "react";
import type { ApiError } from "./api.js";

const TONES: Record<string, string> = {
  success: "good",
  succeeded: "good",
  passed: "good",
  pass: "good",
  resolved: "good",
  live: "good",
  healthy: "good",
  online: "good",
  steady: "good",
  failure: "bad",
  failed: "bad",
  fail: "bad",
  rolled_back: "bad",
  aborted: "bad",
  open: "bad",
  escalated: "bad",
  firing: "bad",
  refused: "bad",
  drifted: "bad",
  lost: "bad",
  running: "busy",
  progressing: "busy",
  queued: "busy",
  waiting: "busy",
  paused: "busy",
  draining: "busy",
  acknowledged: "busy",
  inconclusive: "busy",
  candidate: "busy",
  shadow: "busy",
};

/** A coloured status word (colour is never the only signal: the word is always shown). */
export function Status({ value }: { value: string }) {
  return <span className={`status status-${TONES[value] ?? "plain"}`}>{value.replace(/_/g, " ")}</span>;
}

/** An API error, said plainly. */
export function ErrorNote({ error }: { error: ApiError }) {
  return (
    <p className="error" role="alert">
      {error.message} <span className="muted">({error.code})</span>
    </p>
  );
}

/** The state of a document being loaded: the error, a loading line, or the content. */
export function Loaded<T>(props: { data: T | undefined; error: ApiError | undefined; children: (d: T) => ReactNode }) {
  if (props.error) return <ErrorNote error={props.error} />;
  if (props.data === undefined) return <p className="muted">Loading…</p>;
  return <>{props.children(props.data)}</>;
}
