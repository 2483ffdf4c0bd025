/**
 * What the local forge knows about each of its bare repositories: name, clone path, description
 * (git's own `description` file) and protected branches.
 */
import { existsSync } from "node:fs";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type ProtectionRules, readProtection } from "./protection.js";

/** A local forge repository as `pitcrew repos list` shows it. */
export interface LocalRepository {
  name: string;
  cloneUrl: string;
  description: string;
  /** Protected branches and the checks each requires. */
  protection: ProtectionRules;
}

const UNNAMED = /^Unnamed repository/;

/** Writes the description into git's `description` file of a bare repository. */
export async function writeDescription(bareDir: string, description: string): Promise<void> {
  await writeFile(join(bareDir, "description"), `${description}\n`);
}

/** Reads one bare repository's listing entry. */
export async function describeRepository(name: string, bareDir: string): Promise<LocalRepository> {
  const text = await readFile(join(bareDir, "description"), "utf8").catch(() => "");
  const description = UNNAMED.test(text) ? "" : text.trim();
  return { name, cloneUrl: bareDir, description, protection: await readProtection(bareDir) };
}

/** Every repository under `forgeDir` (`<name>.git` directories), sorted by name. */
export async function listRepositories(forgeDir: string): Promise<LocalRepository[]> {
  if (!existsSync(forgeDir)) return [];
  const entries = await readdir(forgeDir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory() && e.name.endsWith(".git"))
    .map((e) => e.name.slice(0, -".git".length))
    .sort();
  return Promise.all(names.map((n) => describeRepository(n, join(forgeDir, `${n}.git`))));
}
