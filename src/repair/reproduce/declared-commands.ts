/**
 * Commands a repository declares for the repair chain in the `pitcrew.repair.yaml` of a service
 * directory, for projects pitcrew cannot read on its own (Java, Go, a custom runner) or to
 * override what it reads:
 *
 *   test: [sh, run-tests.sh]          # the whole test suite, an argv array (no shell)
 *   service:
 *     start: [java, -jar, app.jar]    # how the service starts (the process contract), for reproductions
 *
 * The same file may hold the config fixer's `file`/`bounds` (fixers/config/repair-bounds.ts).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import * as z from "zod";
import { ValidationError } from "../../common/errors.js";

const argv = z.array(z.string().min(1)).min(1);
const schema = z.object({
  test: argv.optional(),
  service: z.object({ start: argv.optional() }).strict().optional(),
});

/** What a `pitcrew.repair.yaml` declares; empty when the file is missing or declares no command. */
export interface DeclaredCommands {
  test?: string[];
  start?: string[];
}

/** Reads the commands declared in `serviceDir/pitcrew.repair.yaml`. */
export function readDeclaredCommands(serviceDir: string): DeclaredCommands {
  const path = join(serviceDir, "pitcrew.repair.yaml");
  if (!existsSync(path)) return {};
  const parsed = schema.safeParse(parse(readFileSync(path, "utf8")) ?? {});
  if (!parsed.success)
    throw new ValidationError(
      `${path}: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`,
    );
  return { test: parsed.data.test, start: parsed.data.service?.start };
}
