import type { Kysely, Selectable } from "kysely";
import type { AgentsTable, DB } from "../schema.js";
import type { AgentState } from "../statuses.js";
import { fromJson } from "./json.js";

/** A registered agent as the domains see it. */
export interface Agent {
  id: number;
  name: string;
  tokenId: number;
  labels: string[];
  /** Advertised capacity: cpus (count) and memory (bytes), when given. */
  capacity: { cpus?: number; memory?: number };
  concurrency: number;
  version: string;
  state: AgentState;
  registeredAt: number;
  lastHeartbeatAt: number;
}

/** What a registration records. */
export type NewAgent = Pick<Agent, "name" | "tokenId" | "labels" | "capacity" | "concurrency" | "version">;

/** A job attempt an agent holds (or held): `id` is its fencing token. */
export interface AgentLease {
  id: number;
  agentId: number;
  jobId: number;
  attempt: number;
  leasedAt: number;
  endedAt: number | null;
  endReason: string | null;
  /** The last event batch applied (0: none): any replica serving the lease goes on after it. */
  lastSeq: number;
}

/** An open lease with the run and key of the job it holds (what `GET /api/agents` shows). */
export interface RunningLease extends AgentLease {
  runId: number;
  key: string;
}

/**
 * Agents and their job leases. State changes are compare-and-set against the states the caller
 * allows (the machine is in store/statuses.ts); a lease ends once (`ended_at` set), so a fenced
 * call checks that its lease is still open.
 */
export class AgentsRepo {
  constructor(private readonly db: Kysely<DB>) {}

  /** Records a new online agent. */
  async register(a: NewAgent, now: number): Promise<Agent> {
    const row = await this.db
      .insertInto("agents")
      .values({
        name: a.name,
        token_id: a.tokenId,
        labels: JSON.stringify(a.labels),
        capacity: JSON.stringify(a.capacity),
        concurrency: a.concurrency,
        version: a.version,
        state: "online",
        registered_at: now,
        last_heartbeat_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toAgent(row);
  }

  /** The agent `id`, if registered. */
  async get(id: number): Promise<Agent | undefined> {
    const row = await this.db.selectFrom("agents").selectAll().where("id", "=", id).executeTakeFirst();
    return row && toAgent(row);
  }

  /** Agents in `states` (all when omitted), newest first. */
  async list(states?: readonly AgentState[]): Promise<Agent[]> {
    let q = this.db.selectFrom("agents").selectAll().orderBy("id", "desc");
    if (states) q = q.where("state", "in", [...states]);
    return (await q.execute()).map(toAgent);
  }

  /** Records a heartbeat of a live (online or draining) agent; false when it is not live. */
  async heartbeat(id: number, now: number): Promise<boolean> {
    const r = await this.db
      .updateTable("agents")
      .set({ last_heartbeat_at: now })
      .where("id", "=", id)
      .where("state", "in", ["online", "draining"])
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Moves agent `id` from one of `from` to `to`; false when it was in another state. */
  async transition(id: number, from: readonly AgentState[], to: AgentState): Promise<boolean> {
    const r = await this.db
      .updateTable("agents")
      .set({ state: to })
      .where("id", "=", id)
      .where("state", "in", [...from])
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Live agents whose last heartbeat is older than `before`. */
  async silentSince(before: number): Promise<Agent[]> {
    const rows = await this.db
      .selectFrom("agents")
      .selectAll()
      .where("state", "in", ["online", "draining"])
      .where("last_heartbeat_at", "<", before)
      .execute();
    return rows.map(toAgent);
  }

  /** Records that agent `agentId` holds job attempt (`jobId`, `attempt`); returns the lease (its fencing token). */
  async openLease(agentId: number, jobId: number, attempt: number, now: number): Promise<AgentLease> {
    const row = await this.db
      .insertInto("agent_leases")
      .values({ agent_id: agentId, job_id: jobId, attempt, leased_at: now, ended_at: null, end_reason: null })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toLease(row);
  }

  /** Ends lease `id` with `reason`; false when it had already ended. */
  async endLease(id: number, reason: string, now: number): Promise<boolean> {
    const r = await this.db
      .updateTable("agent_leases")
      .set({ ended_at: now, end_reason: reason })
      .where("id", "=", id)
      .where("ended_at", "is", null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** The lease `id`, open or ended. */
  async lease(id: number): Promise<AgentLease | undefined> {
    const row = await this.db.selectFrom("agent_leases").selectAll().where("id", "=", id).executeTakeFirst();
    return row && toLease(row);
  }

  /** The open lease of job attempt (`jobId`, `attempt`), if an agent holds it. */
  async openLeaseOf(jobId: number, attempt: number): Promise<AgentLease | undefined> {
    const row = await this.db
      .selectFrom("agent_leases")
      .selectAll()
      .where("job_id", "=", jobId)
      .where("attempt", "=", attempt)
      .where("ended_at", "is", null)
      .orderBy("id", "desc")
      .executeTakeFirst();
    return row && toLease(row);
  }

  /**
   * Records that event batch `seq` of open lease `id` was applied, compare-and-set against the
   * batch before it; false when the lease has ended or another batch was recorded meanwhile.
   */
  async advanceSeq(id: number, seq: number): Promise<boolean> {
    const r = await this.db
      .updateTable("agent_leases")
      .set({ last_seq: seq })
      .where("id", "=", id)
      .where("last_seq", "=", seq - 1)
      .where("ended_at", "is", null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Open leases, of one agent or of all. */
  async openLeases(agentId?: number): Promise<AgentLease[]> {
    let q = this.db.selectFrom("agent_leases").selectAll().where("ended_at", "is", null).orderBy("id");
    if (agentId !== undefined) q = q.where("agent_id", "=", agentId);
    return (await q.execute()).map(toLease);
  }

  /** Every open lease with the run and key of its job, oldest first. */
  async runningLeases(): Promise<RunningLease[]> {
    const rows = await this.db
      .selectFrom("agent_leases")
      .innerJoin("jobs", "jobs.id", "agent_leases.job_id")
      .selectAll("agent_leases")
      .select(["jobs.run_id", "jobs.key"])
      .where("agent_leases.ended_at", "is", null)
      .orderBy("agent_leases.id")
      .execute();
    return rows.map((r) => ({ ...toLease(r), runId: Number(r.run_id), key: r.key }));
  }
}

function toAgent(r: Selectable<AgentsTable>): Agent {
  return {
    id: Number(r.id),
    name: r.name,
    tokenId: Number(r.token_id),
    labels: fromJson(r.labels, []),
    capacity: fromJson(r.capacity, {}),
    concurrency: Number(r.concurrency),
    version: r.version,
    state: r.state,
    registeredAt: Number(r.registered_at),
    lastHeartbeatAt: Number(r.last_heartbeat_at),
  };
}

function toLease(r: Selectable<DB["agent_leases"]>): AgentLease {
  return {
    id: Number(r.id),
    agentId: Number(r.agent_id),
    jobId: Number(r.job_id),
    attempt: Number(r.attempt),
    leasedAt: Number(r.leased_at),
    endedAt: r.ended_at == null ? null : Number(r.ended_at),
    endReason: r.end_reason,
    lastSeq: Number(r.last_seq ?? 0),
  };
}
