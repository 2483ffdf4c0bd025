import { resolve } from "node:path";
import type { Forge } from "./forge.js";

/**
 * A network repository URL as `host[:port]/owner/repo`, lower-case, without `.git` or trailing
 * slashes (GitHub's owner and repository names are case-insensitive; https, ssh and scp-like
 * `git@host:owner/repo` name the same repository); undefined for a local path or `file://` URL.
 */
function networkPlace(url: string): string | undefined {
  const scp = /^[\w.-]+@([\w.-]+):(?!\/\/)(.+)$/.exec(url);
  let host: string;
  let path: string;
  if (scp) [host, path] = [scp[1] ?? "", scp[2] ?? ""];
  else {
    if (!/^(https?|ssh|git):\/\//i.test(url)) return undefined;
    try {
      const u = new URL(url);
      [host, path] = [u.host, u.pathname];
    } catch {
      return undefined;
    }
  }
  const repo = path.replace(/^\/+|\/+$/g, "").replace(/\.git$/i, "");
  return `${host}/${repo}`.toLowerCase();
}

/** Whether two repository URLs or paths name the same place: network URLs as `networkPlace` says, local paths resolved (`file://` and trailing slashes aside). */
export function samePlace(a: string, b: string): boolean {
  const [na, nb] = [networkPlace(a), networkPlace(b)];
  if (na !== undefined || nb !== undefined) return na === nb;
  const norm = (s: string) => resolve(s.replace(/^file:\/\//, "")).replace(/\/+$/, "");
  return norm(a) === norm(b);
}

/** The forge repository a project's `repoUrl` clones (its name), or undefined when it is not on this forge. */
export function forgeRepoOf(forge: Pick<Forge, "cloneUrl">, repoUrl: string): string | undefined {
  const name = /([A-Za-z0-9._-]+?)(?:\.git)?\/*$/.exec(repoUrl)?.[1];
  return name && samePlace(repoUrl, forge.cloneUrl(name)) ? name : undefined;
}
