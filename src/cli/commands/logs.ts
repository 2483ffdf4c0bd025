import type { Command } from "commander";
import { sleep } from "../../common/clock.js";
import { isFinished } from "../../store/index.js";
import { openLocalApp } from "../open-store.js";
import { color } from "../output.js";

/** `pitcrew logs <run> [--follow]`: a run's step output from the store. Returns the `logs` command. */
export function registerLogsCommand(program: Command): Command {
  return program
    .command("logs")
    .description("print a run's logs (or mine log templates: `pitcrew logs mine`)")
    .argument("[run]", "run id")
    .option("-f, --follow", "keep printing new lines until the run finishes")
    .option("--job <key>", "only this job")
    .option("--json", "one JSON object per line")
    .action(async (runArg: string | undefined, opts) => {
      if (!runArg) throw new Error("missing run id: pitcrew logs <run> [--follow]");
      const runId = Number(runArg);
      if (!Number.isInteger(runId) || runId <= 0) throw new Error(`not a run id: '${runArg}'`);
      const app = await openLocalApp(program.opts().config);
      try {
        const cursors = new Map<string, number>();
        for (;;) {
          const run = await app.store.runs.get(runId);
          const jobs = (await app.store.jobs.listForRun(runId)).filter((j) => !opts.job || j.key === opts.job);
          for (const j of jobs) {
            const k = `${j.id}:${j.attempt}`;
            const lines = await app.store.logs.list(j.id, j.attempt, cursors.get(k) ?? 0);
            for (const l of lines) {
              if (opts.json) process.stdout.write(`${JSON.stringify({ job: j.key, ...l })}\n`);
              else
                process.stdout.write(
                  `${color.dim(`[${j.key}]`)} ${l.stream === "system" ? color.dim(l.line) : l.line}\n`,
                );
            }
            if (lines.length) cursors.set(k, lines.at(-1)!.seq);
          }
          if (!opts.follow || isFinished(run.status)) {
            if (opts.follow && !opts.json) process.stdout.write(color.dim(`run ${runId} ${run.status}\n`));
            break;
          }
          await sleep(250);
        }
      } finally {
        await app.close();
      }
    });
}
