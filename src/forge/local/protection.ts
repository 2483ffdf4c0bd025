import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PROTECTED_FILE } from "./pre-receive-hook.js";

const RULES_FILE = "pitcrew-protection.json";

/** Protection rules of a bare repository, by branch. */
export type ProtectionRules = Record<string, { requiredChecks: string[] }>;

/** Reads the protection rules (none when the repository was never protected). */
export async function readProtection(bareDir: string): Promise<ProtectionRules> {
  try {
    return JSON.parse(await readFile(join(bareDir, RULES_FILE), "utf8")) as ProtectionRules;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw err;
  }
}

/** Protects a branch: writes the rules and the ref list the pre-receive hook reads. */
export async function writeProtection(bareDir: string, branch: string, requiredChecks: string[]): Promise<void> {
  const rules = { ...(await readProtection(bareDir)), [branch]: { requiredChecks } };
  await writeFile(join(bareDir, RULES_FILE), `${JSON.stringify(rules, null, 2)}\n`);
  const refs = Object.keys(rules).map((b) => `refs/heads/${b}\n`);
  await writeFile(join(bareDir, PROTECTED_FILE), refs.join(""));
}
