import { chmodSync, existsSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { LoadedConfig } from "../common/config/load-config.js";
import type { Logger } from "../common/logger.js";
import { logFiles } from "../common/private-files.js";
import type { Executor } from "../runner/index.js";
import { createSandboxExecutor, isSandboxAvailable } from "../runner/index.js";
import { resolveStepUser } from "../runner/index.js";

/**
 * Starts probing whether bubblewrap can sandbox steps here (a few short processes, so the caller
 * can open the store meanwhile) and returns the function that, once the data dir is secured,
 * builds the sandbox executor as configured, or undefined when bubblewrap cannot sandbox steps.
 * Steps never see the data dir, the config file or the server's log file (files are covered by
 * `<data_dir>/blank`, empty and mode 0000, so reading them fails); as root, they run as
 * `runner.job_user`; otherwise they run as pitcrew's own user, so its home is hidden too (unless
 * `hideHome` is false: `pitcrew run`, where the tools a user installed there are wanted). A usable
 * probe result is remembered in `<data_dir>/sandbox-probe.json` (runner/executors/sandbox/probe-cache.ts).
 */
export function probeJobSandbox(
  config: LoadedConfig,
  log: Logger,
  opts: { hideHome: boolean },
): () => Promise<Executor | undefined> {
  const root = process.getuid?.() === 0;
  const runAs = root ? resolveStepUser(config.config.runner.job_user) : undefined;
  // a usable result is remembered in the data dir: a local run then starts no probe processes
  const available = isSandboxAvailable(runAs, { cacheFile: join(config.dataDir, "sandbox-probe.json") });
  return async () => {
    const hidePaths = [config.dataDir, ...(config.file ? [config.file] : []), ...logFiles()];
    if (!root && opts.hideHome && homedir() !== "/") hidePaths.push(homedir());
    if (await available) {
      const blankFile = join(config.dataDir, "blank");
      if (!existsSync(blankFile)) writeFileSync(blankFile, "", { mode: 0 });
      chmodSync(blankFile, 0);
      return createSandboxExecutor({ hidePaths, runAs, blankFile, killGraceMs: config.config.runner.kill_grace });
    }
    log.warn(
      "bubblewrap is not usable here: untrusted triggers are refused unless runner.allow_unsandboxed is set (docs/security.md)",
    );
    return undefined;
  };
}
