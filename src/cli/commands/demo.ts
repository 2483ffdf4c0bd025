import type { Command } from "commander";
import { ValidationError } from "../../common/errors.js";

/** `pitcrew demo`: the shop built, shipped, broken and healed on the embedded defaults. */
export function registerDemoCommand(program: Command): void {
  program
    .command("demo")
    .description("seed the demo shop, build and deploy it, run traffic and play its fault scenarios")
    .option("-p, --port <port>", "port of the pitcrew server (overrides server.port)")
    .option("--once", "stop after the scenarios; exit 1 unless every one healed")
    .option("--headless", "for scripts: never wait for a browser or a keypress (the story is printed either way)")
    .option("--scenario <name...>", "only these scenarios (see examples/shop/shop.json)")
    .option("--json", "print the results as JSON on stdout (the story goes to stderr)")
    .option(
      "--prometheus",
      "alert with real Prometheus + Alertmanager (Debian packages) instead of the built-in TSDB and rules",
    )
    .option("--resume", "go on from what an interrupted demo left in <data_dir>/demo instead of starting afresh")
    .action(async (opts) => {
      // Loaded on demand: the server's dependencies would slow down every other command.
      const { runDemo } = await import("../../demo/run-demo.js");
      const code = await runDemo({
        configFile: program.opts().config,
        port: opts.port,
        once: Boolean(opts.once),
        scenarios: opts.scenario,
        json: Boolean(opts.json),
        prometheus: Boolean(opts.prometheus),
        resume: Boolean(opts.resume),
      }).catch((err: unknown) => {
        if (!(err instanceof ValidationError)) throw err;
        process.stderr.write(`pitcrew demo: ${err.message}\n`);
        return 2;
      });
      process.exit(code);
    });
}
