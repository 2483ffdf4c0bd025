import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";

/**
 * The data directory used when neither `data_dir`, `PITCREW_DATA_DIR` nor `--data-dir` names one:
 * per user, after the XDG base directory spec (`$XDG_DATA_HOME/pitcrew`, else
 * `~/.local/share/pitcrew`), so no command ever writes into the directory it is run from.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_DATA_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, "pitcrew");
  return join(env.HOME || homedir(), ".local", "share", "pitcrew");
}
