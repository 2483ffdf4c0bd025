/**
 * Where `pitcrew fix` may open a pull request: only when `--repo` is a repository of the
 * configured local forge (its bare directory `<dataDir>/forge/<name>.git`, or a clone whose
 * `origin` is one). Anything else gets the patch printed instead.
 */
import { execFile } from "node:child_process";
import { realpathSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import type { LoadedConfig } from "../../common/config/load-config.js";

/** The URL of `repoDir`'s `origin` remote, undefined when it has none. */
async function originOf(repoDir: string): Promise<string | undefined> {
  try {
    const { stdout } = await promisify(execFile)("git", ["config", "--get", "remote.origin.url"], { cwd: repoDir });
    return stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The forge repository `repoDir` belongs to, or why it is none. */
export async function localForgeRepo(
  loaded: LoadedConfig,
  repoDir: string,
): Promise<{ repo: string; bareDir: string } | { none: string }> {
  if (loaded.config.forge.driver !== "local")
    return { none: `the configured forge is ${loaded.config.forge.driver}, not the local forge` };
  const forgeDir = join(loaded.dataDir, "forge");
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  const candidates = [resolve(repoDir)];
  const origin = (await originOf(repoDir))?.replace(/^file:\/\//, "");
  if (origin && !/^[a-z][a-z0-9+.-]*:\/\/|^[^/]+:/i.test(origin)) candidates.push(resolve(repoDir, origin));
  for (const c of candidates) {
    const dir = real(c).replace(/\/+$/, "");
    if (dirname(dir) === real(forgeDir) && dir.endsWith(".git")) return { repo: basename(dir, ".git"), bareDir: dir };
  }
  return { none: `${repoDir} is not a repository of the local forge in ${forgeDir} (nor a clone of one)` };
}
