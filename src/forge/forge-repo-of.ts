import { resolve } from "node:path";
import type { Forge } from "./forge.js";

/** Whether two repository URLs or paths name the same place (`file://` and trailing slashes aside). */
export function samePlace(a: string, b: string): boolean {
  const norm = (s: string) => resolve(s.replace(/^file:\/\//, "")).replace(/\/+$/, "");
  return norm(a) === norm(b);
}

/** The forge repository a project's `repoUrl` clones (its name), or undefined when it is not on this forge. */
export function forgeRepoOf(forge: Forge, repoUrl: string): string | undefined {
  const name = /([A-Za-z0-9._-]+?)(?:\.git)?\/*$/.exec(repoUrl)?.[1];
  return name && samePlace(repoUrl, forge.cloneUrl(name)) ? name : undefined;
}
