import type { Command } from "commander";
import { loadConfig } from "../../common/config/load-config.js";
import { apiJson, clientOptions, configuredServer } from "../api-client.js";
import { statusLabel } from "../output.js";

/** `pitcrew trigger <project>`: starts a manual run on a server through its API. */
export function registerTriggerCommand(program: Command): void {
  clientOptions(
    program
      .command("trigger")
      .description("trigger a manual run on the server")
      .argument("<project>", "project name or id")
      .option("--branch <branch>", "branch to build (default: the project's default branch)")
      .option("--commit <sha>", "exact commit")
      .option("--input <key=value...>", "inputs of the manual run")
      .option("--json", "print JSON"),
  ).action(async (project: string, opts) => {
    const inputs: Record<string, string> = {};
    for (const item of (opts.input ?? []) as string[]) {
      const eq = item.indexOf("=");
      if (eq <= 0) throw new Error(`--input expects key=value, got '${item}'`);
      inputs[item.slice(0, eq)] = item.slice(eq + 1);
    }
    // With no server named, this machine's own (server.port of the config) is the one meant.
    const port = loadConfig({ file: program.opts().config }).config.server.port;
    const target = configuredServer(opts, `http://127.0.0.1:${port}`)!;
    const run = (await apiJson(target, "POST", `/api/projects/${encodeURIComponent(project)}/runs`, {
      branch: opts.branch,
      commit: opts.commit,
      inputs,
    })) as { id?: number; number?: number; status?: string; skipped?: string };
    if (opts.json) return void process.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
    if (run.skipped) return void process.stdout.write(`skipped: ${run.skipped}\n`);
    process.stdout.write(
      `run ${run.id} (#${run.number}) ${statusLabel(String(run.status))} — follow: pitcrew watch ${run.id} --exit-status\n`,
    );
  });
}
