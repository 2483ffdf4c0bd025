import type { Command } from "commander";
import { apiRequest, clientOptions } from "../api-client.js";
import { followRollout, reportRollout } from "./deploy.js";

/** `pitcrew promote <project> --env <env>`: approves a paused rollout or promotes from the source environment. */
export function registerPromoteCommand(program: Command): void {
  clientOptions(
    program
      .command("promote")
      .description("approve the project's paused rollout in an environment, or promote what is live in its source")
      .argument("<project>", "project name")
      .requiredOption("--env <environment>", "environment, e.g. production")
      .option("--no-wait", "return at once")
      .option("--json", "print JSON"),
  ).action(async (project: string, opts) => {
    const r = (await apiRequest(opts, "POST", `/api/environments/${encodeURIComponent(opts.env)}/promote`, {
      project,
    })) as { id: number };
    if (!opts.wait || opts.json) return void process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    reportRollout(await followRollout(opts, r.id));
  });
}
