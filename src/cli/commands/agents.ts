import type { Command } from "commander";
import { apiJson, type ClientOptions, clientOptions, requireServer } from "../api-client.js";
import { formatDuration, table } from "../output.js";

interface AgentView {
  id: number;
  name: string;
  state: string;
  labels: string[];
  capacity: { cpus?: number; memory?: number };
  concurrency: number;
  lastHeartbeatAt: string;
  runningJobs: Array<{ jobId: number; attempt: number }>;
}

interface WaitingView {
  jobId: number;
  runId: number;
  key: string;
  project: string;
  class: string;
  estimateMs: number;
  since: string;
  why: string;
}

/** `pitcrew agents`: the server's registered agents, and the jobs waiting for them with the scheduler's reason. */
export function registerAgentsCommand(program: Command): void {
  clientOptions(
    program
      .command("agents")
      .description(
        "registered agents (state, labels, capacity, running jobs, last heartbeat) and the jobs waiting for one, with the scheduler's reason",
      )
      .option("--all", "also agents that stopped or were lost")
      .option("--json", "print JSON ({agents, waiting})"),
  ).action(async (opts: ClientOptions & { json?: boolean; all?: boolean }) => {
    const { agents, waiting } = (await apiJson(requireServer(opts), "GET", "/api/agents")) as {
      agents: AgentView[];
      waiting: WaitingView[];
    };
    const shown = opts.all ? agents : agents.filter((a) => a.state === "online" || a.state === "draining");
    if (opts.json) return void process.stdout.write(`${JSON.stringify({ agents: shown, waiting }, null, 2)}\n`);
    const gib = (b?: number) => (b === undefined ? "" : ` ${(b / 1024 ** 3).toFixed(1)}G`);
    const rows = shown.map((a) => [
      String(a.id),
      a.name,
      a.state,
      a.labels.join(",") || "-",
      `${a.capacity.cpus ?? "-"} cpu${gib(a.capacity.memory)}`,
      `${a.runningJobs.length}/${a.concurrency}`,
      a.runningJobs.map((j) => `${j.jobId}#${j.attempt}`).join(",") || "-",
      a.lastHeartbeatAt.replace("T", " ").slice(0, 19),
    ]);
    process.stdout.write(
      `${table(["ID", "NAME", "STATE", "LABELS", "CAPACITY", "LOAD", "JOBS", "LAST HEARTBEAT"], rows)}\n`,
    );
    if (!waiting.length) return;
    const waits = waiting.map((w) => [
      `${w.project} #${w.runId} ${w.key}`,
      w.class,
      formatDuration(Date.now() - Date.parse(w.since)),
      `~${formatDuration(w.estimateMs)}`,
      w.why,
    ]);
    process.stdout.write(`\n${table(["WAITING JOB", "CLASS", "WAITED", "EST.", "WHY"], waits)}\n`);
  });
}
