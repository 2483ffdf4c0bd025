import type { Command } from "commander";
import { sleep } from "../../common/clock.js";
import { isFinished } from "../../store/index.js";
import { apiJson, type ClientOptions, clientOptions, requireServer } from "../api-client.js";
import { positiveInt } from "../client/option-values.js";
import { color, statusLabel } from "../output.js";
import { formatGates, type GateResult, runExitCode } from "../run-report.js";

/** How often `watch` asks the server. */
const POLL_MS = 1000;

interface WatchedRun {
  id: number;
  number: number;
  status: string;
  reason: string | null;
  gates: GateResult[] | null;
  jobs: { key: string; status: string; attempt: number; reason: string | null }[];
}

/**
 * `pitcrew watch RUN [--exit-status]`: follows a server run's jobs until it finishes, printing
 * each job's status changes, then the gates; with `--exit-status` the exit code is the result.
 */
export function registerWatchCommand(program: Command): void {
  clientOptions(
    program
      .command("watch")
      .description("follow a run's jobs on the server until it finishes")
      .argument("<run>", "run id", positiveInt("RUN"))
      .option("--exit-status", "exit with the run's result: 0 success, 1 failure, 130 cancelled"),
  ).action(async (id: number, opts: ClientOptions & { exitStatus?: boolean }) => {
    const target = requireServer(opts);
    const seen = new Map<string, string>();
    for (;;) {
      const run = (await apiJson(target, "GET", `/api/runs/${id}`)) as WatchedRun;
      for (const j of run.jobs) {
        const state = `${j.status}:${j.attempt}`;
        if (seen.get(j.key) === state) continue;
        seen.set(j.key, state);
        const attempt = j.attempt > 1 ? ` (attempt ${j.attempt})` : "";
        process.stdout.write(
          `${statusLabel(j.status)} ${j.key}${attempt}${j.reason ? color.dim(` — ${j.reason}`) : ""}\n`,
        );
      }
      if (isFinished(run.status)) {
        if (run.gates?.length) process.stdout.write(`${formatGates(run.gates)}\n`);
        process.stdout.write(
          `run ${run.id} (#${run.number}) ${statusLabel(run.status)}${run.reason ? ` — ${run.reason}` : ""}\n`,
        );
        if (opts.exitStatus) process.exitCode = runExitCode(run.status);
        return;
      }
      await sleep(POLL_MS);
    }
  });
}
