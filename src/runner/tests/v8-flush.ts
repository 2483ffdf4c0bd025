/**
 * Coverage of processes that test runners end with a signal. vitest's fork pool (tinypool) ends
 * each worker with SIGTERM once its files are done, and a Node process ended by a signal writes
 * no `NODE_V8_COVERAGE` file: the coverage of every test file run in a worker was lost, only the
 * main process's (which runs no test) was written. A preload required in every Node process of
 * the step (through `NODE_OPTIONS`) writes the coverage when SIGTERM arrives (`v8.takeCoverage`)
 * and, when nothing else listens for the signal, ends the process as the signal would have; a
 * process with its own SIGTERM handler keeps it and writes its coverage again when it exits.
 */
import { join } from "node:path";
import { ValidationError } from "../../common/errors.js";
import type { ScratchFile, TestScratch } from "./test-scratch.js";

/** The variable holding the preload's path in the step's environment. */
const V8_FLUSH_VAR = "PITCREW_V8_FLUSH";

/** The preload: CommonJS, dependency-free, inert unless NODE_V8_COVERAGE is set. */
const V8_FLUSH_PRELOAD = `"use strict";
// pitcrew: write this process's V8 coverage when it is ended by SIGTERM (test runners end their workers so)
if (process.env.NODE_V8_COVERAGE) {
  const onTerm = () => {
    try {
      require("v8").takeCoverage();
    } catch {}
    if (process.listenerCount("SIGTERM") === 1) {
      process.removeListener("SIGTERM", onTerm);
      process.kill(process.pid, "SIGTERM");
    }
  };
  process.on("SIGTERM", onTerm);
}
`;

/** What a test step with coverage adds: the preload's variable, and the wrapping of each script. */
export interface V8Flush {
  env: Record<string, string>;
  wrap(script: string): string;
}

/** The preload, for {@link createTestScratch} to write into the scratch folder before the job owns it. */
export const V8_FLUSH_FILE: ScratchFile = { name: "v8-flush.cjs", text: V8_FLUSH_PRELOAD };

/**
 * What adds the preload (written into `scratch` as {@link V8_FLUSH_FILE}) to each script: a line
 * appending it to `NODE_OPTIONS` (after whatever the step already has there), its path read from
 * {@link V8_FLUSH_VAR} at run time, never pasted into the script. Throws when the folder's path
 * holds a character `NODE_OPTIONS` cannot carry in quotes.
 */
export function v8Flush(scratch: TestScratch): V8Flush {
  if (/["\\\n\r]/.test(scratch.dir))
    throw new ValidationError(`the scratch folder '${scratch.dir.slice(0, 200)}' cannot go into NODE_OPTIONS`);
  return {
    env: { [V8_FLUSH_VAR]: join(scratch.dir, V8_FLUSH_FILE.name) },
    wrap: (script) =>
      `export NODE_OPTIONS="\${NODE_OPTIONS:+$NODE_OPTIONS }--require \\"$${V8_FLUSH_VAR}\\""\n${script}`,
  };
}
