/**
 * The demo's narration: one readable terminal line per event that matters to the story (CI runs,
 * deploys, alerts, incidents, heals, pull requests), prefixed with the time since the demo started.
 * Events that are not part of the story (steps, log ingest, topology…) give no line.
 */
import type { DomainEvent } from "../events/index.js";

const str = (v: unknown) => (typeof v === "string" ? v : v === undefined || v === null ? "" : String(v));

/** Stage of the story an event belongs to, for the line's tag. */
export type StoryStage = "ci" | "deploy" | "detect" | "incident" | "heal" | "pr";

/** A narrated line: its stage and text (without time or colour). */
export interface StoryLine {
  stage: StoryStage;
  text: string;
}

/** The story line of an event, or undefined when the event is not part of the story. */
export function storyLineOf(e: DomainEvent): StoryLine | undefined {
  const d = e.data;
  switch (e.type) {
    case "run.finished":
      return {
        stage: "ci",
        text: `CI run ${e.data.runId} ${e.data.status}${d.project ? ` for ${str(d.project)}` : ""}`,
      };
    case "alert.firing":
      return {
        stage: "detect",
        text: `alert ${str(d.name)} firing on ${str(d.service) || "?"}${d.summary ? `: ${str(d.summary)}` : ""}`,
      };
    case "alert.resolved":
      return { stage: "detect", text: `alert ${str(d.name)} resolved on ${str(d.service) || "?"}` };
    case "anomaly.detected":
      return Number(d.score) >= 0.9
        ? { stage: "detect", text: `anomaly on ${str(d.service)}: ${str(d.explanation)}` }
        : undefined;
    case "incident.opened":
      return { stage: "incident", text: `incident #${e.data.id} opened: ${e.data.title}` };
    case "incident.resolved":
      return { stage: "incident", text: `incident #${e.data.id} resolved` };
    case "heal.transitioned":
      return { stage: "heal", text: `heal of incident #${str(d.incident)} → ${str(d.to)}: ${str(d.note)}` };
    case "pr.opened":
      return { stage: "pr", text: `pull request ${str(d.repo)}#${str(d.number)} opened: ${str(d.title)}` };
    case "pr.merged":
      return { stage: "pr", text: `pull request ${str(d.repo)}#${str(d.number)} merged` };
    case "rollout.started":
      return {
        stage: "deploy",
        text: `${str(d.project)} → ${str(d.environment)}: release ${str(d.release)} (${str(d.commit).slice(0, 8)}) by ${str(d.strategy)}${d.reason ? ` — ${str(d.reason)}` : ""}`,
      };
    case "rollout.weight":
      return {
        stage: "deploy",
        text: `${str(d.project)}/${str(d.environment)}: ${str(d.weight)} % on release ${str(d.release)}`,
      };
    case "rollout.paused":
      return { stage: "deploy", text: `${str(d.project)}/${str(d.environment)}: paused — ${str(d.why)}` };
    case "rollout.succeeded":
      return { stage: "deploy", text: `${str(d.project)}/${str(d.environment)}: release ${str(d.release)} is live` };
    case "rollout.rolled_back":
    case "rollout.failed":
    case "rollout.aborted":
      return {
        stage: "deploy",
        text: `${str(d.project)}/${str(d.environment)}: release ${str(d.release)} ${e.type.slice("rollout.".length).replace("_", " ")}: ${str(d.reason)}`,
      };
    default:
      return undefined;
  }
}

/** `mm:ss` since `startedAt`. */
export function elapsedLabel(at: number, startedAt: number): string {
  const s = Math.max(0, Math.floor((at - startedAt) / 1000));
  return `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
}
