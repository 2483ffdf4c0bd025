/**
 * `pitcrew.repair.yaml`: the values of a config file the config fixer may change, each with the
 * inclusive range it must stay in and its unit. The file sits next to the config it governs:
 *
 *   file: gateway.json
 *   bounds:
 *     - { key: catalog_timeout_ms, min: 20, max: 2000, unit: ms }
 */
import { readFile } from "node:fs/promises";
import { dirname, posix } from "node:path";
import { glob } from "tinyglobby";
import { parse } from "yaml";
import * as z from "zod";
import { ValidationError } from "../../../common/errors.js";

/** The name of a bounds file. */
export const BOUNDS_FILE = "pitcrew.repair.yaml";

const boundSchema = z
  .object({
    key: z.string().min(1),
    min: z.number(),
    max: z.number(),
    unit: z.enum(["ms", "s", "count", "bytes"]),
  })
  .refine((b) => b.min <= b.max, { message: "min must not be above max" });

/** `file` and `bounds` go together; a file without them only declares commands (reproduce/declared-commands.ts). */
const fileSchema = z
  .object({ file: z.string().min(1).optional(), bounds: z.array(boundSchema).min(1).optional() })
  .refine((f) => (f.file === undefined) === (f.bounds === undefined), { message: "file and bounds go together" });

/** One tunable value and its range. */
export type Bound = z.infer<typeof boundSchema>;

/** A bounds file as read: the governed config file (repository-relative) and its bounds. */
export interface RepairBounds {
  /** Repository-relative path of the bounds file. */
  source: string;
  /** Repository-relative path of the config file it governs. */
  file: string;
  bounds: Bound[];
}

/** Reads every bounds file under `repoDir` (node_modules and .git left out). */
export async function readRepairBounds(repoDir: string): Promise<RepairBounds[]> {
  const sources = await glob(`**/${BOUNDS_FILE}`, { cwd: repoDir, ignore: ["**/node_modules/**", "**/.git/**"] });
  const out: RepairBounds[] = [];
  for (const source of sources.sort()) {
    const parsed = fileSchema.safeParse(parse(await readFile(`${repoDir}/${source}`, "utf8")));
    if (!parsed.success)
      throw new ValidationError(
        `${source}: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
      );
    const { file: name, bounds } = parsed.data;
    if (name === undefined || bounds === undefined) continue;
    const file = posix.normalize(posix.join(dirname(source), name));
    if (file.startsWith("../")) throw new ValidationError(`${source}: file ${name} leaves the repository`);
    out.push({ source, file, bounds });
  }
  return out;
}
