import { pino, type Logger } from "pino";

export type { Logger };

/** Creates pitcrew's structured (JSON) logger; `level` defaults to `PITCREW_LOG_LEVEL` or `info`. */
export function createLogger(options: { level?: string; name?: string } = {}): Logger {
  return pino({
    name: options.name ?? "pitcrew",
    level: options.level ?? process.env.PITCREW_LOG_LEVEL ?? "info",
  });
}

/** A logger that discards everything, for CLI commands and tests that print their own output. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
