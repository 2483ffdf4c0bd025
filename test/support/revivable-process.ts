/**
 * A server child process an outage test can take away and bring back: killed (SIGKILL) or frozen
 * (SIGSTOP), then started again by the same launch (same port, same data) or thawed.
 */
import type { ChildProcess } from "node:child_process";

/** What an outage test does to the server. */
export interface Revivable {
  /** Sends `signal` to the server (SIGKILL: waits until it is gone; SIGSTOP/SIGCONT: freezes or thaws it). */
  signal(signal: NodeJS.Signals): Promise<void>;
  /** Brings it back after {@link signal}: thaws it if frozen, starts it again on the same port and data if killed. */
  revive(): Promise<void>;
  /** Stops it for good (thawed first, then sent `stopSignal`) and waits until it is gone. */
  stop(): Promise<void>;
}

/** Starts the server with `launch` (which resolves once it listens) and keeps it revivable. */
export async function startRevivable(
  launch: () => Promise<ChildProcess>,
  stopSignal: NodeJS.Signals = "SIGKILL",
): Promise<Revivable> {
  let child = await launch();
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const killAndWait = async (signal: NodeJS.Signals) => {
    const gone = new Promise((r) => child.once("exit", r));
    child.kill(signal);
    await gone;
  };
  return {
    async signal(signal) {
      if (exited()) return;
      if (signal === "SIGKILL") await killAndWait(signal);
      else child.kill(signal);
    },
    async revive() {
      if (exited()) child = await launch();
      else child.kill("SIGCONT");
    },
    async stop() {
      if (exited()) return;
      child.kill("SIGCONT");
      await killAndWait(stopSignal);
    },
  };
}
