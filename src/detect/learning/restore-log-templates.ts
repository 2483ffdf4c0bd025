/**
 * Puts a service's checkpointed log templates back into the serving log template watcher: the
 * live `log-templates` version and, with `replay`, the service's stored lines after it (mined
 * without raising findings: they were reported when they arrived), so after a restart the watcher
 * is where it was when the server stopped, not learning again. A version saved by other code, or
 * one that does not parse, is refused with a warning saying why, and the service learns again.
 */
import type { Logger } from "../../common/logger.js";
import type { Store } from "../../store/index.js";
import type { LogTemplateWatcher } from "../logmine/index.js";
import { storedLogLines } from "./log-lines.js";
import { LOG_TEMPLATES, type LogTemplatesState, logTemplatesScope } from "./log-templates-model.js";

/** What a restore did for one service. */
export interface LogTemplatesRestore {
  /** The live version restored (undefined when none, or refused). */
  version?: number;
  /** Templates restored. */
  templates: number;
  /** Stored lines mined after the version's newest one. */
  replayed: number;
}

/**
 * Restores `service` in `watcher` from the live `log-templates` version (built by code
 * `codeVersion`), then with `replay` mines the stored lines after it up to `now`. With no live
 * version the watcher's service is left as it is.
 */
export async function restoreLogTemplates(
  deps: { store: Store; log: Logger },
  watcher: LogTemplateWatcher,
  service: string,
  opts: { codeVersion: string; replay: boolean; now: number },
): Promise<LogTemplatesRestore> {
  const live = await deps.store.modelVersions.live(LOG_TEMPLATES, logTemplatesScope(service));
  if (live === undefined) return { templates: 0, replayed: 0 };
  const refuse = (why: string): LogTemplatesRestore => {
    deps.log.warn(
      { service, version: live.version },
      `log templates v${live.version} of ${service} not restored: ${why}; its logs are learnt again`,
    );
    watcher.forget(service);
    return { templates: 0, replayed: 0 };
  };
  if (live.codeVersion !== opts.codeVersion) {
    return refuse(`saved by ${live.codeVersion}, this server runs ${opts.codeVersion}`);
  }
  const state = live.state as LogTemplatesState;
  if (state.templates === null) {
    watcher.forget(service);
    return { version: live.version, templates: 0, replayed: 0 };
  }
  try {
    watcher.restore(service, state.templates, `${LOG_TEMPLATES} v${live.version}`);
  } catch (err) {
    if (!(err instanceof RangeError || err instanceof TypeError)) throw err;
    return refuse(err.message);
  }
  let replayed = 0;
  if (opts.replay) {
    for (const l of await storedLogLines(deps.store, service, { from: state.through + 1, to: opts.now })) {
      watcher.observeLine(l);
      replayed++;
    }
  }
  return { version: live.version, templates: state.templates.miner.clusters.length, replayed };
}
