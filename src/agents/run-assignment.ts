import { execFile } from "node:child_process";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Clock } from "../common/clock.js";
import { TEST_REPORTS_DIR } from "../pipeline/index.js";
import { matchWorkspaceFiles } from "../reports/index.js";
import {
  ADVICE_LIMITS,
  chooseExecutor,
  createWorkspace,
  type ExecutorChoiceDeps,
  runSteps,
  type StepSink,
  type Workspace,
} from "../runner/index.js";
import type { AgentClient } from "./agent-client.js";
import type { EventSender } from "./event-sender.js";
import { serverTestAdvisor } from "./agent-test-advisor.js";
import type { PersistLimits } from "./persist-call.js";
import { type Assignment, isWireTestId, MAX_QUARANTINED } from "./protocol.js";
import { sendDependencies } from "./send-dependencies.js";

const run = promisify(execFile);

/** What running a job on an agent needs. */
export interface AssignmentDeps extends ExecutorChoiceDeps {
  client: AgentClient;
  agentId: number;
  /** The agent's work dir: job workspaces go under it. */
  workDir: string;
  clock: Clock;
  keepWorkspaces: boolean;
  /** Retries a call about the job while no server answers (the next server may), within the agent lease (and `limits`). */
  persist: <T>(call: () => Promise<T>, limits?: PersistLimits) => Promise<T>;
}

/**
 * How long a `tests:` step keeps asking the server for its advice (retries included) before it
 * runs its files in path order: twice the server's own advice deadline, so a slow but working
 * advice still arrives while a server answering 5xx for good does not hold the job.
 */
export const TESTS_CALL_BUDGET_MS = 2 * ADVICE_LIMITS.deadlineMs;

/** A file uploaded as a job's output, and the servers that received it. */
export interface UploadedFile {
  path: string;
  absPath: string;
  servers: Set<string>;
}

/** How a job ran on the agent: its outcome, the files uploaded, and the workspace's removal (after `finish`). */
export interface AssignmentEnd {
  outcome: {
    status: "success" | "failure" | "cancelled";
    reason: string | null;
    exitCode: number | null;
    quarantined: string[];
  };
  /** Uploaded files stay in the workspace until `cleanup`: `finish` through another replica sends them again. */
  uploads: UploadedFile[];
  cleanup: () => Promise<void>;
}

/**
 * Runs one job handed to this agent, with the runner's own step loop and executors:
 *
 *   workspace ─► source archive from the server, unpacked ─► executor (sandbox need from the
 *   server) ─► steps (their facts go through `sender`; a `tests:` step asks the server for its
 *   order, selection and flaky tests, and with `coverage: true` sends its dependency map) ─► output files (artifact and report patterns, the test
 *   steps' reports) uploaded ─► outcome (with the test failures quarantined or passed on a rerun)
 *
 * Throws when the job could not run (the caller reports a failure); a cancelled `signal`
 * (server cancel, lost lease, second SIGTERM) stops the steps.
 */
export async function runAssignment(
  deps: AssignmentDeps,
  a: Assignment,
  sender: EventSender,
  signal: AbortSignal,
): Promise<AssignmentEnd> {
  const sink: StepSink = {
    stepStarted: async (step, name) => sender.push({ t: "started", step, name }),
    stepSkipped: async (step, reason) => sender.push({ t: "skipped", step, reason }),
    stepFinished: async (step, status, exitCode, reason) =>
      // the step loop finishes a step as success, failure or cancelled (never queued/running/skipped)
      sender.push({ t: "finished", step, status: status as "success" | "failure" | "cancelled", exitCode, reason }),
    stepPid: () => {},
    line: (step, stream, line) => sender.push({ t: "line", step, stream, line }),
    endStep: (step) => sender.push({ t: "end", step }),
  };
  const sys = (line: string) => sink.line(-1, "system", line);
  const ws = createWorkspace(join(deps.workDir, "workspaces"), {
    runId: a.run.id,
    jobKey: a.job.key,
    attempt: a.job.attempt,
  });
  const cleanup = async () => {
    if (!deps.keepWorkspaces) await ws.cleanup();
  };
  try {
    const executor = chooseExecutor(deps, a.sandbox, sys);
    sys(`checking out ${a.run.commit.slice(0, 12)} (${a.run.branch}) from the server's source archive`);
    const archive = join(ws.tmp, "source.tar");
    await deps.persist(() => deps.client.source(deps.agentId, a.lease, archive));
    await run("tar", ["-xf", archive, "-C", ws.dir], { maxBuffer: 1024 * 1024 });
    await rm(archive, { force: true });
    await executor.prepare?.(ws.root);
    const outcome = await runSteps({
      run: a.run,
      jobKey: a.job.key,
      spec: a.spec,
      needs: a.needs,
      secrets: a.secrets,
      workspace: ws,
      executor,
      signal,
      clock: deps.clock,
      sink,
      advise: serverTestAdvisor((step, files) => {
        const within = AbortSignal.any([signal, AbortSignal.timeout(TESTS_CALL_BUDGET_MS)]);
        return deps.persist(() => deps.client.testsAdvice(deps.agentId, a.lease, step, files, within), {
          budgetMs: TESTS_CALL_BUDGET_MS,
          signal: within,
        });
      }),
      // the server records no map of an untrusted run: its steps collect no coverage either
      untrusted: a.sandbox.untrusted ?? undefined,
      recordCoverage: async (coverage, step) =>
        coverage.kind === "v8"
          ? sendDependencies(deps, a, step, { repoDir: ws.dir, coverageDir: coverage.dir, signal }, sys)
          : sys("tests: coverage.py maps are recorded by server workers only; this agent sends none"),
    });
    const uploads = await uploadOutputs(deps, a, ws, sys);
    // the server keeps only the ids its advice called flaky; past the protocol's bound nothing is excused
    // (an id the protocol cannot carry was never called flaky by the server's advice: left out, not refused)
    const excused = [...new Set(outcome.quarantined)].filter(isWireTestId);
    const quarantined = excused.length <= MAX_QUARANTINED ? excused : [];
    return {
      outcome: { status: outcome.status, reason: outcome.reason, exitCode: outcome.exitCode, quarantined },
      uploads,
      cleanup,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/**
 * Uploads again, to the server calls go to now, each of `uploads` it has not received: uploads
 * wait on the receiving replica's disk until `finish`, so a job finishing through another replica
 * would lose them.
 */
export async function uploadAgain(
  deps: Pick<AssignmentDeps, "client" | "agentId">,
  lease: number,
  uploads: UploadedFile[],
) {
  for (const f of uploads) {
    const server = deps.client.server;
    if (f.servers.has(server)) continue;
    await deps.client.upload(deps.agentId, lease, f.path, f.absPath);
    f.servers.add(server);
  }
}

/**
 * Uploads the files the job's artifact and report patterns match in the checkout, except the test
 * steps' reports, which come from the workspace's `output` folder (out of the job's reach); the
 * server collects them.
 */
async function uploadOutputs(
  deps: AssignmentDeps,
  a: Assignment,
  ws: Workspace,
  sys: (l: string) => void,
): Promise<UploadedFile[]> {
  const testReports = `${TEST_REPORTS_DIR}/**/*.xml`;
  const junit = a.spec.reports.junit.filter((g) => g !== testReports);
  const patterns = [...a.spec.artifacts, ...junit, ...a.spec.reports.coverage];
  const own =
    junit.length < a.spec.reports.junit.length ? (await matchWorkspaceFiles(ws.output, [testReports])).files : [];
  if (patterns.length + own.length === 0) return [];
  const match = patterns.length > 0 ? await matchWorkspaceFiles(ws.dir, patterns) : { files: [], skipped: [] };
  for (const s of match.skipped) sys(`not uploaded: ${s.path}: ${s.reason}`);
  const uploads: UploadedFile[] = [];
  for (const f of [...match.files, ...own]) {
    const servers = new Set<string>();
    await deps.persist(async () => {
      const server = deps.client.server;
      await deps.client.upload(deps.agentId, a.lease, f.path, f.absPath);
      servers.add(server);
    });
    uploads.push({ path: f.path, absPath: f.absPath, servers });
  }
  sys(`uploaded ${uploads.length} output file(s) to the server`);
  return uploads;
}
