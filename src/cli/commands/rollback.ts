import type { Command } from "commander";
import { apiRequest, clientOptions } from "../api-client.js";
import { followRollout, reportRollout } from "./deploy.js";

/** `pitcrew rollback <project> --env <env> [--to <release>]`. */
export function registerRollbackCommand(program: Command): void {
  clientOptions(
    program
      .command("rollback")
      .description("abort the project's rollout in an environment, or go back to an earlier release")
      .argument("<project>", "project name")
      .requiredOption("--env <environment>", "environment")
      .option("--to <release>", "release id to go back to (default: the previous one)")
      .option("--reason <text>", "why")
      .option("--no-wait", "return at once")
      .option("--json", "print JSON"),
  ).action(async (project: string, opts) => {
    const res = (await apiRequest(opts, "POST", `/api/environments/${encodeURIComponent(opts.env)}/rollback`, {
      project,
      to: opts.to === undefined ? undefined : Number(opts.to),
      reason: opts.reason,
    })) as { rollout: { id: number } };
    if (!opts.wait || opts.json) return void process.stdout.write(`${JSON.stringify(res, null, 2)}\n`);
    reportRollout(await followRollout(opts, res.rollout.id));
  });
}
