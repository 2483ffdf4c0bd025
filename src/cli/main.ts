/**
 * The `pitcrew` command line. Each command lives in `commands/<name>.ts` and registers itself;
 * errors end the process with a one-line message (stack traces only with PITCREW_DEBUG=1).
 */
import { resolve } from "node:path";
import { Command, CommanderError } from "commander";
import { registerDemoCommand } from "./commands/demo.js";
import { registerDeployCommand } from "./commands/deploy.js";
import { registerStatusCommand } from "./commands/deploy-status.js";
import { registerDetectCommand } from "./commands/detect.js";
import { registerExplainCommand } from "./commands/explain.js";
import { registerFixCommand } from "./commands/fix.js";
import { registerHealCommand } from "./commands/heal.js";
import { registerLintCommand } from "./commands/lint.js";
import { registerLogsCommand } from "./commands/logs.js";
import { registerLogsMineCommand } from "./commands/logs-mine.js";
import { registerMigrateCommand } from "./commands/migrate.js";
import { registerPromoteCommand } from "./commands/promote.js";
import { registerRollbackCommand } from "./commands/rollback.js";
import { registerRunCommand } from "./commands/run.js";
import { registerRunsCommand } from "./commands/runs.js";
import { registerServeCommand } from "./commands/serve.js";
import { registerStackCommand } from "./commands/stack.js";
import { registerTestsCommand } from "./commands/tests.js";
import { registerTriggerCommand } from "./commands/trigger.js";

/** Builds the full command tree (exported for tests). */
export function buildProgram(): Command {
  const program = new Command("pitcrew")
    .description("pitcrew — a self-hosted CI/CD server that heals what it ships")
    .version("0.1.0")
    .option("-c, --config <file>", "configuration file (default: ./pitcrew.yaml when present)")
    .option("--data-dir <dir>", "data directory (overrides data_dir and PITCREW_DATA_DIR; default ~/.local/share/pitcrew)")
    .showHelpAfterError()
    .hook("preAction", (cmd) => {
      // Through the environment, so every command's loadConfig (and the processes it starts) sees it.
      const dir = cmd.opts().dataDir as string | undefined;
      if (dir !== undefined) process.env.PITCREW_DATA_DIR = resolve(dir);
    });
  registerServeCommand(program);
  registerRunCommand(program);
  registerLintCommand(program);
  registerTriggerCommand(program);
  registerRunsCommand(program);
  registerLogsMineCommand(registerLogsCommand(program));
  registerMigrateCommand(program);
  registerStackCommand(program);
  registerTestsCommand(program);
  registerExplainCommand(program);
  registerFixCommand(program);
  registerDetectCommand(program);
  registerDemoCommand(program);
  registerDeployCommand(program);
  registerPromoteCommand(program);
  registerRollbackCommand(program);
  registerStatusCommand(program);
  registerHealCommand(program);
  return program;
}

/** Runs the CLI with `argv` (as in `process.argv`). */
export async function main(argv: string[]): Promise<void> {
  // `pitcrew … | head` closes stdout early: stop quietly instead of crashing on EPIPE.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw err;
  });
  const program = buildProgram();
  program.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return;
    }
    if (process.env.PITCREW_DEBUG === "1") console.error(err);
    else console.error(`pitcrew: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = process.exitCode && process.exitCode !== 0 ? process.exitCode : 1;
  }
}
