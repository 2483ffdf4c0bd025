/**
 * The `pitcrew` command line. Each command lives in `commands/<name>.ts` and registers itself;
 * errors end the process with a one-line message (stack traces only with PITCREW_DEBUG=1).
 */
import { resolve } from "node:path";
import { Command, CommanderError } from "commander";
import { UsageError } from "./client/option-values.js";

/** Registers one top-level command; its module (and whatever it imports) is loaded only then. */
type Register = (program: Command) => Promise<void>;

/**
 * Every top-level command, in `--help` order, keyed by its name. Loading a command's module pulls
 * in its dependencies (fastify, kysely, tree-sitter, …), so `buildProgram` loads only the one the
 * arguments name, and all of them only when it cannot tell (help, an unknown command).
 */
const COMMANDS: Record<string, Register> = {
  serve: async (p) => (await import("./commands/serve.js")).registerServeCommand(p),
  agent: async (p) => (await import("./commands/agent.js")).registerAgentCommand(p),
  agents: async (p) => (await import("./commands/agents.js")).registerAgentsCommand(p),
  run: async (p) => (await import("./commands/run.js")).registerRunCommand(p),
  lint: async (p) => (await import("./commands/lint.js")).registerLintCommand(p),
  import: async (p) => (await import("./commands/import.js")).registerImportCommand(p),
  trigger: async (p) => (await import("./commands/trigger.js")).registerTriggerCommand(p),
  runs: async (p) => (await import("./commands/runs.js")).registerRunsCommand(p),
  logs: async (p) => {
    const [logs, mine] = await Promise.all([import("./commands/logs.js"), import("./commands/logs-mine.js")]);
    mine.registerLogsMineCommand(logs.registerLogsCommand(p));
  },
  cancel: async (p) => (await import("./commands/cancel.js")).registerCancelCommand(p),
  rerun: async (p) => (await import("./commands/rerun.js")).registerRerunCommand(p),
  watch: async (p) => (await import("./commands/watch.js")).registerWatchCommand(p),
  artifacts: async (p) => (await import("./commands/artifacts.js")).registerArtifactsCommand(p),
  secrets: async (p) => (await import("./commands/secrets.js")).registerSecretsCommand(p),
  tokens: async (p) => (await import("./commands/tokens.js")).registerTokensCommand(p),
  login: async (p) => (await import("./commands/login.js")).registerLoginCommand(p),
  logout: async (p) => (await import("./commands/login.js")).registerLogoutCommand(p),
  migrate: async (p) => (await import("./commands/migrate.js")).registerMigrateCommand(p),
  stack: async (p) => (await import("./commands/stack.js")).registerStackCommand(p),
  tests: async (p) => (await import("./commands/tests.js")).registerTestsCommand(p),
  models: async (p) => (await import("./commands/models.js")).registerModelsCommand(p),
  explain: async (p) => (await import("./commands/explain.js")).registerExplainCommand(p),
  fix: async (p) => (await import("./commands/fix.js")).registerFixCommand(p),
  detect: async (p) => (await import("./commands/detect.js")).registerDetectCommand(p),
  demo: async (p) => (await import("./commands/demo.js")).registerDemoCommand(p),
  deploy: async (p) => (await import("./commands/deploy.js")).registerDeployCommand(p),
  promote: async (p) => (await import("./commands/promote.js")).registerPromoteCommand(p),
  rollback: async (p) => (await import("./commands/rollback.js")).registerRollbackCommand(p),
  status: async (p) => (await import("./commands/deploy-status.js")).registerStatusCommand(p),
  heal: async (p) => (await import("./commands/heal.js")).registerHealCommand(p),
  repos: async (p) => (await import("./commands/repos.js")).registerReposCommand(p),
};

/** Global options that take a value (the next argument is theirs, not a command name). */
const VALUE_OPTIONS = new Set(["-c", "--config", "--data-dir"]);

/** Names of the commands `args` (after node and script) need: one, none (`--version`) or all. */
export function commandsFor(args: string[]): string[] {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg === "--") break;
    if (VALUE_OPTIONS.has(arg)) {
      i++;
      continue;
    }
    if (arg.startsWith("-")) continue;
    return Object.hasOwn(COMMANDS, arg) ? [arg] : Object.keys(COMMANDS);
  }
  const versionOnly =
    args.some((a) => a === "-V" || a === "--version") && !args.some((a) => a === "-h" || a === "--help");
  return versionOnly ? [] : Object.keys(COMMANDS);
}

/**
 * Builds the command tree for `argv` (as in `process.argv`; exported for tests): the command it
 * names, or every command when none is named (so `--help` and "unknown command" list them all).
 */
export async function buildProgram(argv: string[] = []): Promise<Command> {
  const program = new Command("pitcrew")
    .description("pitcrew — a self-hosted CI/CD server that heals what it ships")
    .version("0.1.0")
    .option("-c, --config <file>", "configuration file (default: ./pitcrew.yaml when present)")
    .option(
      "--data-dir <dir>",
      "data directory (overrides data_dir and PITCREW_DATA_DIR; default ~/.local/share/pitcrew)",
    )
    .showHelpAfterError()
    // Usage errors throw (main maps them to exit 2) instead of exiting, here and in every command.
    .exitOverride()
    .hook("preAction", (cmd) => {
      // Through the environment, so every command's loadConfig (and the processes it starts) sees it.
      const dir = cmd.opts().dataDir as string | undefined;
      if (dir !== undefined) process.env.PITCREW_DATA_DIR = resolve(dir);
    });
  for (const name of commandsFor(argv.slice(2))) await COMMANDS[name]?.(program);
  return program;
}

/** Runs the CLI with `argv` (as in `process.argv`). */
export async function main(argv: string[]): Promise<void> {
  // `pitcrew … | head` closes stdout early: stop quietly instead of crashing on EPIPE.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw err;
  });
  const program = await buildProgram(argv);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // A usage mistake (unknown option, bad or missing value) exits 2; help and --version exit 0.
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    if (err instanceof UsageError) {
      console.error(`pitcrew: ${err.message}`);
      process.exitCode = 2;
      return;
    }
    if (process.env.PITCREW_DEBUG === "1") console.error(err);
    else console.error(`pitcrew: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = process.exitCode && process.exitCode !== 0 ? process.exitCode : 1;
  }
}
