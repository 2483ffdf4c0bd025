/**
 * Handing an offered job to a polling agent: the attempt begins (runner/attempt.ts), the agent's
 * lease is persisted (its id is the fencing token) and held, then the assignment the agent runs
 * is put together (spec, run context, needs, secrets when the run is trusted, sandbox).
 */
import {
  beginAttempt,
  type JobTicket,
  needsStatus,
  receivesSecrets,
  type RunnerDeps,
  sandboxNeed,
  stepRunContext,
} from "../runner/index.js";
import type { Agent } from "../store/index.js";
import { type HeldJob, holdAttempt } from "./held-job.js";
import { type Assignment, DEPENDENCIES_PROTOCOL, TESTS_PROTOCOL } from "./protocol.js";

/**
 * Begins `ticket`'s attempt for `agent` (speaking agent protocol `protocol`), persists its lease and gives the held job to `hold`
 * before answering; undefined when the ticket is stale.
 */
export async function handJob(
  r: RunnerDeps,
  ticket: JobTicket,
  agent: Agent,
  protocol: number,
  hold: (held: HeldJob) => void,
): Promise<{ held: HeldJob; assignment: Assignment } | undefined> {
  const begun = await beginAttempt(r, ticket);
  if (!begun) return undefined;
  const { run, job, logs } = begun;
  const project = await r.store.projects.get(run.projectId);
  const lease = await r.store.agents.openLease(agent.id, job.id, job.attempt, r.clock.now());
  const held = await holdAttempt(r, agent.id, begun, project.name, lease.id, r.clock.now());
  hold(held);
  logs.write(
    -1,
    "system",
    `running on agent '${agent.name}' (#${agent.id}, labels ${agent.labels.join(", ") || "none"})`,
  );
  if (protocol < TESTS_PROTOCOL && job.spec.steps.some((s) => s.tests))
    logs.write(
      -1,
      "system",
      `agent '${agent.name}' speaks agent protocol ${protocol}: its tests: steps run as their plain command (no order, selection, reruns or quarantine, no test reports); upgrade the agent`,
    );
  if (protocol >= TESTS_PROTOCOL && protocol < DEPENDENCIES_PROTOCOL && job.spec.steps.some((s) => s.tests?.coverage))
    logs.write(
      -1,
      "system",
      `agent '${agent.name}' speaks agent protocol ${protocol}: the V8 coverage of its tests: steps is not sent, so no dependency map is recorded; upgrade the agent`,
    );
  const runJobs = await r.store.jobs.listForRun(run.id);
  const withSecrets = receivesSecrets(run.trust, project);
  const secrets = withSecrets ? await r.store.secrets.reveal(project.id, job.spec.secrets) : {};
  if (!withSecrets && job.spec.secrets.length)
    logs.write(-1, "system", `secrets withheld (${job.spec.secrets.join(", ")}): untrusted run`);
  if (job.spec.cache) logs.write(-1, "system", "cache not used: jobs on agents run without the cache in this version");
  if (job.spec.needs.length)
    logs.write(-1, "system", "artifacts of needed jobs are not passed to agents in this version");
  return {
    held,
    assignment: {
      lease: lease.id,
      job: { id: job.id, key: job.key, attempt: job.attempt },
      spec: { ...job.spec },
      run: stepRunContext(run, project),
      needs: needsStatus(runJobs.filter((j) => job.spec.needs.includes(j.key))),
      secrets,
      sandbox: sandboxNeed(project, run, job.spec.sandbox.enabled),
    },
  };
}
