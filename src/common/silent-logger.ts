/**
 * The logger that discards everything, for CLI commands and tests that print their own output.
 * It is not a pino instance on purpose: loading pino (two dozen CommonJS modules and a worker
 * thread library) costs `pitcrew run` about 25 ms of CPU at every start, for output it drops.
 */
import type { Logger } from "pino";

const discard = (): void => undefined;

/** A logger whose every level is off; `child()` returns another one. */
export function silentLogger(): Logger {
  const log = {
    level: "silent",
    fatal: discard,
    error: discard,
    warn: discard,
    info: discard,
    debug: discard,
    trace: discard,
    silent: discard,
    isLevelEnabled: () => false,
    child: () => silentLogger(),
    bindings: () => ({}),
    flush: discard,
  };
  // The methods pitcrew calls on a Logger, all of them no-ops: pino's full interface (streams,
  // serializers, hooks) has nothing to do when nothing is written.
  return log as unknown as Logger;
}
