import * as z from "zod";

/** Payloads of the agents' events (subject `agent:<id>`; agents/agent-hub.ts). */
export const AGENT_EVENTS = {
  /** A `pitcrew agent` registered and takes jobs with these labels. */
  "agent.registered": z.looseObject({ agentId: z.number(), name: z.string(), labels: z.array(z.string()) }),
  /** An agent sent no heartbeat for the agent lease: its jobs are queued again elsewhere. */
  "agent.lost": z.looseObject({ agentId: z.number(), name: z.string() }),
};
