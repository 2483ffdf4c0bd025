/**
 * `pitcrew runs why RUN [--job J] [--json]`: why a run failed — the stored failure explanation of
 * each failed job (ranked lines with evidence, cause class, the successful runs compared) and what
 * changed when it started failing (streak, files and dependency versions, separating attributes,
 * the same failure elsewhere), from `GET /api/runs/:id/explanation` and `/correlation` when a
 * server is configured (as for `pitcrew runs`), else read from the data dir's store — or, for a
 * local run named `<project>#<number>` (`pitcrew run`), from that repository's own store.
 */
import type { Command } from "commander";
import { correlateRunFailures, runExplanation } from "../../failures/index.js";
import { PitcrewError } from "../../common/errors.js";
import type { JobExplanation } from "../../failures/index.js";
import { apiJson, type ClientOptions, configuredServer } from "../api-client.js";
import { openLocalApp } from "../open-store.js";
import { findLocalRun, LOCAL_REF, type LocalRun } from "../local-runs.js";
import { loadConfig } from "../../common/config/load-config.js";
import type { App } from "../../app/app.js";
import { renderExplanation } from "./explain.js";
import { renderCorrelation } from "./render-correlation.js";

/** Registers `runs why` under `runs`. */
export function registerRunsWhyCommand(runs: Command): void {
  runs
    .command("why")
    .description("why did a run fail: the log lines that explain each failed job, and the cause")
    .argument("<run>", "run id, or a local run as `pitcrew runs` names it (<project>#<number>)")
    .option("--job <job>", "only this job (key or name)")
    .option("--json", "print the API's JSON: GET /api/runs/:id/explanation, with `correlation` from /correlation")
    .action(async function (this: Command, runArg: string) {
      // `runs` has its own --json, which commander may hand to it instead.
      const opts = this.optsWithGlobals<ClientOptions & { job?: string; json?: boolean; config?: string }>();
      const out = this.configureOutput().writeOut ?? ((s: string) => process.stdout.write(s));
      const err = this.configureOutput().writeErr ?? ((s: string) => process.stderr.write(s));
      const target = configuredServer(opts);
      const localRef = !target && LOCAL_REF.test(runArg);
      const id = Number(runArg);
      if (!localRef && (!Number.isInteger(id) || id < 1)) {
        err(
          `pitcrew runs why: RUN must be a run id (a positive whole number) or a local run as \`pitcrew runs\` names it (<project>#<number>), got '${runArg}'\n`,
        );
        process.exitCode = 2;
        return;
      }
      let found: LocalRun | undefined;
      let app: App | undefined;
      try {
        // a local run (`pitcrew run`) lives in its repository's own store, with its data dir beside it
        if (localRef) found = await findLocalRun(loadConfig({ file: opts.config }).dataDir, runArg);
        else if (!target) app = await openLocalApp(opts.config);
        const local = found
          ? { store: found.local.store, dataDir: found.local.dir }
          : app && { store: app.store, dataDir: app.runner.dataDir };
        const runId = found?.run.id ?? id;
        const name = found?.ref ?? String(id);
        const query = opts.job ? `?${new URLSearchParams({ job: opts.job })}` : "";
        const why = local
          ? await runExplanation(local.store, runId, opts.job)
          : ((await apiJson(target!, "GET", `/api/runs/${runId}/explanation${query}`)) as Awaited<
              ReturnType<typeof runExplanation>
            >);
        const correlation = local
          ? await correlateRunFailures(local, runId, opts.job)
          : ((await apiJson(target!, "GET", `/api/runs/${runId}/correlation${query}`)) as Awaited<
              ReturnType<typeof correlateRunFailures>
            >);
        if (opts.json) return void out(`${JSON.stringify({ ...why, correlation }, null, 2)}\n`);
        if (why.jobs.length === 0)
          return void out(
            `run ${name} (${why.status}): no failed job explained${opts.job ? ` named ${opts.job}` : ""}\n`,
          );
        for (const e of why.jobs) {
          const compared = e.comparedRuns?.length
            ? `compared with successful runs ${e.comparedRuns.join(", ")}`
            : "no successful run to compare with";
          out(renderExplanation(`run ${name} job ${e.key} (attempt ${e.attempt})`, e));
          out(`${compared}\n`);
          const c = correlation.jobs.find((j) => j.jobId === e.jobId);
          out(`${c ? renderCorrelation(c) : ""}\n`);
        }
      } catch (e) {
        if (!(e instanceof Error) || (!(e instanceof PitcrewError) && !localRef)) throw e;
        err(`pitcrew runs why: ${e.message}\n`);
        process.exitCode = 2;
      } finally {
        await app?.close();
        await found?.local.close();
      }
    });
}
