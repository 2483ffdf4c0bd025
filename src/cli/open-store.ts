import { createApp, type App } from "../app/app.js";
import { loadConfig } from "../common/config/load-config.js";
import { silentLogger } from "../common/silent-logger.js";

/**
 * Opens the configured store directly (no server needed) for read commands such as `runs` and
 * `logs`; the filesystem permissions of the data dir are the access control here.
 */
export async function openLocalApp(configFile?: string): Promise<App> {
  return createApp(loadConfig({ file: configFile }), { log: silentLogger() });
}
