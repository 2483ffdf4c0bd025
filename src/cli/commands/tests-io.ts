import type { Command } from "commander";
import { PitcrewError } from "../../common/errors.js";

/** Where a `pitcrew tests` subcommand writes (commander's configured output, else the process streams). */
export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

/** The output streams configured on `cmd`. */
export function streams(cmd: Command): Io {
  const o = cmd.configureOutput();
  return {
    out: o.writeOut ?? ((s: string) => process.stdout.write(s)),
    err: o.writeErr ?? ((s: string) => process.stderr.write(s)),
  };
}

/** Runs `body`; bad input (a validation or size error) prints one line and sets exit code 2. */
export async function exitOnBadInput(io: Io, command: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (err) {
    if (!(err instanceof PitcrewError) || err.status >= 500) throw err;
    io.err(`pitcrew ${command}: ${err.message}\n`);
    process.exitCode = 2;
  }
}
