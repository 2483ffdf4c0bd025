import { mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { BusyError } from "../../common/errors.js";
import { checkout, MAX_CONCURRENT_CHECKOUTS, resolveRef, tryCheckoutSlot } from "../../runner/index.js";
import type { SelectionMode, TestSelection, TestSelector } from "../selection.js";
import { isTestFileName, listRepoFiles } from "./test-files.js";

/** What to select for when only the project's mirror is at hand (the API). */
export interface SelectAtCommitRequest {
  project: string;
  /** The project's bare mirror. */
  mirrorDir: string;
  /** Directory for the temporary checkout (removed afterwards). */
  tmpDir: string;
  /** Commit or ref of the change. */
  head: string;
  /** Commit or ref to compare with. */
  base: string;
  mode: SelectionMode;
}

/**
 * Checks `head` out of the mirror into a temporary directory, selects among its files named like
 * tests, and removes the checkout again: the selection a run of that commit would get. At most
 * {@link MAX_CONCURRENT_CHECKOUTS} checkouts exist at once (shared with agent jobs' test advice,
 * runner/checkout-slots.ts); another call meanwhile gets a BusyError (429).
 */
export async function selectAtCommit(
  selector: TestSelector,
  req: SelectAtCommitRequest,
): Promise<TestSelection & { head: string; base: string }> {
  const head = await resolveRef(req.mirrorDir, req.head);
  const base = await resolveRef(req.mirrorDir, req.base);
  const release = tryCheckoutSlot();
  if (!release)
    throw new BusyError(`${MAX_CONCURRENT_CHECKOUTS} test selections are checking out already: try again shortly`);
  const dir = await mkdtemp(join(req.tmpDir, "select-")).catch((err) => {
    release();
    throw err;
  });
  try {
    const repoDir = join(dir, "repo");
    await checkout({ mirrorDir: req.mirrorDir, commit: head, dest: repoDir });
    const testFiles = (await listRepoFiles(repoDir)).filter(isTestFileName);
    const selection = await selector.select({
      project: req.project,
      repoDir,
      commit: head,
      baseCommit: base,
      testFiles,
      mode: req.mode,
    });
    return { head, base, ...selection };
  } finally {
    await rm(dir, { recursive: true, force: true });
    release();
  }
}
