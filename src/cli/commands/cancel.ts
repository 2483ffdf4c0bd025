import type { Command } from "commander";
import { apiJson, type ClientOptions, clientOptions, requireServer } from "../api-client.js";
import { positiveInt } from "../client/option-values.js";
import { statusLabel } from "../output.js";

/** `pitcrew cancel RUN`: cancels a queued or running run on the server (its steps' processes are killed). */
export function registerCancelCommand(program: Command): void {
  clientOptions(
    program
      .command("cancel")
      .description("cancel a queued or running run on the server")
      .argument("<run>", "run id", positiveInt("RUN"))
      .option("--json", "print the run as JSON"),
  ).action(async (id: number, opts: ClientOptions & { json?: boolean }) => {
    const run = (await apiJson(requireServer(opts), "POST", `/api/runs/${id}/cancel`)) as { status: string };
    if (opts.json) return void process.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
    process.stdout.write(`run ${id} ${statusLabel(run.status)}\n`);
  });
}
