import { pino, type Logger } from "pino";

export type { Logger };
export { silentLogger } from "./silent-logger.js";

/** Creates pitcrew's structured (JSON) logger; `level` defaults to `PITCREW_LOG_LEVEL` or `info`. */
export function createLogger(options: { level?: string; name?: string } = {}): Logger {
  return pino({
    name: options.name ?? "pitcrew",
    level: options.level ?? process.env.PITCREW_LOG_LEVEL ?? "info",
  });
}
