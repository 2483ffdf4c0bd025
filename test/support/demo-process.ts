/**
 * `pitcrew demo` as a real process for the end-to-end tests: started from the built CLI on a
 * given data dir (the story on stderr, `--json` results on stdout), and the processes still
 * running inside a directory (what a demo must not leave behind).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, readlinkSync } from "node:fs";
import { resolve } from "node:path";

const BIN = resolve(import.meta.dirname, "../../bin/pitcrew.js");

/** Whether the CLI is built (`npm run build`); the demo tests skip otherwise. */
export const demoBuilt = existsSync(resolve(import.meta.dirname, "../../dist/cli/main.js"));

/** A running demo and what it printed so far. */
export interface DemoProcess {
  child: ChildProcess;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** stdout so far (the `--json` results). */
  out(): string;
  /** stderr so far (the story). */
  story(): string;
}

/** Starts `pitcrew demo --headless --once --json --port 0 …args` with `PITCREW_DATA_DIR=dataDir`. */
export function startDemo(dataDir: string, args: string[] = []): DemoProcess {
  const child = spawn(process.execPath, [BIN, "demo", "--headless", "--once", "--json", "--port", "0", ...args], {
    env: { ...process.env, PITCREW_DATA_DIR: dataDir, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let story = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (story += d));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  return { child, exited, out: () => out, story: () => story };
}

/** Pids of the processes whose working directory is inside `dir`. */
export function processesIn(dir: string): string[] {
  return readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readlinkSync(`/proc/${p}/cwd`).startsWith(dir);
      } catch {
        return false;
      }
    });
}
