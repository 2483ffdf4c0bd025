/**
 * The one map of event type → payload schema. Each area's payloads live in `payloads/` (this
 * layer sits below the domains, so they cannot import it; a domain adding an event adds its
 * schema there). The schemas give both the compile-time payload types and the check of events
 * read back from the store or Redis. Objects are loose: fields added later do not make old
 * readers reject an event.
 */
import type * as z from "zod";
import { AGENT_EVENTS } from "./payloads/agent-events.js";
import { DEPLOY_EVENTS } from "./payloads/deploy-events.js";
import { FORGE_EVENTS } from "./payloads/forge-events.js";
import { HEAL_EVENTS, REVERT_EVENTS } from "./payloads/heal-events.js";
import { INCIDENT_EVENTS } from "./payloads/incident-events.js";
import { LEARNING_EVENTS } from "./payloads/learning-events.js";
import { OBSERVE_EVENTS } from "./payloads/observe-events.js";
import { RUN_EVENTS } from "./payloads/run-events.js";

/** Every event type with the schema of its payload. */
export const EVENT_SCHEMAS = {
  ...RUN_EVENTS,
  ...DEPLOY_EVENTS,
  ...OBSERVE_EVENTS,
  ...INCIDENT_EVENTS,
  ...HEAL_EVENTS,
  ...REVERT_EVENTS,
  ...FORGE_EVENTS,
  ...LEARNING_EVENTS,
  ...AGENT_EVENTS,
};

/** The name of an event, e.g. `run.finished`. */
export type EventType = keyof typeof EVENT_SCHEMAS;

/** The payload of each event type, e.g. `EventPayloads["run.finished"]["status"]`. */
export type EventPayloads = { [T in EventType]: z.infer<(typeof EVENT_SCHEMAS)[T]> };

/** Whether `type` names a known event. */
export function isEventType(type: string): type is EventType {
  return Object.hasOwn(EVENT_SCHEMAS, type);
}
