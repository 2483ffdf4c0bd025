import type { Command } from "commander";

/** `pitcrew serve`: the API server with workers, polling, cron and (optionally) the example project. */
export function registerServeCommand(program: Command): void {
  program
    .command("serve")
    .description("start the pitcrew server (API, dashboard, workers, polling, cron, webhooks, delivery, healing)")
    .option("-p, --port <port>", "port to listen on (overrides server.port)")
    .option("--host <host>", "address to listen on (overrides server.host)")
    .option("--example", "register the bundled example project and run its pipeline once")
    .action(async (opts) => {
      // Loaded on demand: the server's dependencies would slow down every other command.
      const { runServer } = await import("../run-server.js");
      await runServer({
        configFile: program.opts().config,
        port: opts.port,
        host: opts.host,
        example: Boolean(opts.example),
      });
    });
}
