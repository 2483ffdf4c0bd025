/**
 * Runs the shop's traffic generator (`examples/shop/traffic/traffic.mjs`) as a child process
 * against the gateway: steady background traffic without the fault journeys, or one journey
 * that reaches a latent fault. Its output is kept for the summary, never mixed into the story.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";

/** A running traffic generator. */
export interface TrafficProcess {
  stop(): Promise<void>;
}

/** Starts traffic at `rate` journeys/s for up to `durationS`: all safe journeys, or only `journeys`. */
export function startTraffic(
  shopDir: string,
  opts: { url: string; rate: number; durationS: number; journeys?: string[] },
): TrafficProcess {
  const args = [
    join(shopDir, "traffic", "traffic.mjs"),
    "--url",
    opts.url,
    "--rate",
    String(opts.rate),
    "--duration",
    String(opts.durationS),
    ...(opts.journeys ? ["--journeys", opts.journeys.join(",")] : ["--no-faults"]),
  ];
  const child: ChildProcess = spawn(process.execPath, args, { stdio: "ignore" });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
