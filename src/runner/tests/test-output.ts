import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type TestCase, writeJUnit } from "../../reports/index.js";

/**
 * Writes the cases of one run of one test file as a JUnit report in `dir`, a folder of the
 * workspace's `output` (the job collects `.pitcrew/tests/**` there with its other reports, so each
 * rerun is stored as its own outcomes).
 */
export async function writeTestsOutput(
  dir: string,
  name: string,
  file: string,
  cases: readonly TestCase[],
): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, name), writeJUnit(file, cases));
}
