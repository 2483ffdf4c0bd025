import type { Command } from "commander";
import { apiJson, type ClientOptions, clientOptions, requireServer } from "../api-client.js";
import { positiveInt } from "../client/option-values.js";
import { statusLabel } from "../output.js";

/** `pitcrew rerun RUN [--failed]`: a finished run again (as a new run), or only its failed jobs in place. */
export function registerRerunCommand(program: Command): void {
  clientOptions(
    program
      .command("rerun")
      .description("re-run a finished run on the server: all jobs as a new run, or --failed jobs in place")
      .argument("<run>", "run id", positiveInt("RUN"))
      .option("--failed", "only the failed (and cancelled) jobs, and those that need them, in the same run")
      .option("--json", "print the run as JSON"),
  ).action(async (id: number, opts: ClientOptions & { failed?: boolean; json?: boolean }) => {
    const body = { failedOnly: Boolean(opts.failed) };
    const run = (await apiJson(requireServer(opts), "POST", `/api/runs/${id}/rerun`, body)) as {
      id: number;
      number: number;
      status: string;
    };
    if (opts.json) return void process.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
    const what = run.id === id ? `run ${id}: failed jobs queued again` : `run ${run.id} (#${run.number}) started`;
    process.stdout.write(`${what} ${statusLabel(run.status)} — follow: pitcrew watch ${run.id} --exit-status\n`);
  });
}
