/**
 * The revert fixer (the `Fixer` port, kind "revert"): when the top in-app suspect lines were last
 * changed by one commit that is recent (measured against the base commit's date, not the wall
 * clock) and small, it proposes undoing that commit. It leaves alone merge and root commits,
 * commits that add, delete or rename files or touch binary files, and commits whose revert no
 * longer applies cleanly on the base (the reverse diff is applied in memory to the base's files).
 * It never undoes a fix (pitcrew's own fix merges, or a commit whose message says it fixes,
 * reverts or mitigates something or names an incident: `isFixCommit`), nor a commit that landed
 * after the failure began (the diagnosis's `onsetAt`): that commit cannot have caused it.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Suspect } from "../../../diagnose/index.js";
import type { FixContext, Fixer, Patch } from "../../fixer.js";
import { applyFileDiff, DiffApplyError, parseUnifiedDiff, unifiedDiff } from "../../unified-diff.js";
import { type CommitFacts, commitDate, commitFacts, isFixCommit, reverseDiff } from "./suspect-commit.js";

const DAY_MS = 86_400_000;

/** Limits of what the revert fixer proposes to undo. */
export interface RevertLimits {
  /** Only commits at most this many days older than the base commit (default 14). */
  maxAgeDays?: number;
  /** Only commits changing at most this many files (default 3) … */
  maxFiles?: number;
  /** … and at most this many lines, added plus removed (default 60). */
  maxLines?: number;
  /** How many of the top in-app suspects are looked at (default 3). */
  topSuspects?: number;
}

/** `file:line in function` of a suspect. */
const where = (s: Suspect) => `${s.file}${s.line ? `:${s.line}` : ""}${s.function ? ` in ${s.function}` : ""}`;

/** Proposes reverting the recent, small commit that introduced the suspect lines. */
export class RevertFixer implements Fixer {
  readonly name = "revert/suspect-commit";
  readonly kind = "revert" as const;
  readonly #limits: Required<RevertLimits>;

  constructor(limits: RevertLimits = {}) {
    this.#limits = { maxAgeDays: 14, maxFiles: 3, maxLines: 60, topSuspects: 3, ...limits };
  }

  /** One patch per eligible commit blamed for the top suspects, best suspect first (see the Fixer protocol). */
  async propose(ctx: FixContext): Promise<Patch[]> {
    const top = ctx.suspects.filter((s) => s.inApp).slice(0, this.#limits.topSuspects);
    const shas = [...new Set(top.flatMap((s) => (s.commit ? [s.commit.sha] : [])))];
    if (shas.length === 0) return [];
    const baseDate = await commitDate(ctx.repoDir, "HEAD");
    const out: Patch[] = [];
    for (const sha of shas) {
      const facts = await commitFacts(ctx.repoDir, sha);
      if (!this.#eligible(facts, baseDate) || isFixCommit(facts)) continue;
      const onset = ctx.diagnosis?.onsetAt;
      if (onset !== undefined && facts.committedAt > onset) continue;
      const patch = await this.#revert(
        ctx.repoDir,
        facts,
        baseDate,
        top.filter((s) => s.commit?.sha === sha),
      );
      if (patch) out.push(patch);
    }
    return out;
  }

  /** Recent, small, a plain commit changing existing text files only. */
  #eligible(c: CommitFacts, baseDate: number): boolean {
    const age = baseDate - c.committedAt;
    return (
      c.parents.length === 1 &&
      age >= 0 &&
      age <= this.#limits.maxAgeDays * DAY_MS &&
      c.files.length > 0 &&
      c.files.length <= this.#limits.maxFiles &&
      c.files.every((f) => f.status === "M") &&
      c.changedLines !== undefined &&
      c.changedLines <= this.#limits.maxLines
    );
  }

  /** The revert patch, or undefined when the reverse diff does not apply to the base's files. */
  async #revert(repoDir: string, c: CommitFacts, baseDate: number, frames: Suspect[]): Promise<Patch | undefined> {
    const edits = [];
    for (const file of parseUnifiedDiff(
      await reverseDiff(
        repoDir,
        c.sha,
        c.files.map((f) => f.path),
      ),
    )) {
      const path = file.oldPath!;
      const before = await readFile(join(repoDir, path), "utf8");
      try {
        edits.push({ path, before, after: applyFileDiff(before, file) });
      } catch (err) {
        if (err instanceof DiffApplyError) return undefined; // changed since: no clean revert
        throw err;
      }
    }
    const days = Math.floor((baseDate - c.committedAt) / DAY_MS);
    const short = c.sha.slice(0, 10);
    const date = new Date(c.committedAt).toISOString().slice(0, 10);
    return {
      fixer: this.name,
      kind: this.kind,
      title: `Revert "${c.subject}"`,
      explanation: [
        `The failing code was last changed by commit ${short} "${c.subject}" (${c.author}, ${date}), ${days === 0 ? "the same day as" : `${days} day${days === 1 ? "" : "s"} before`} the base commit. It wrote the suspect line${frames.length === 1 ? "" : "s"}:`,
        ...frames.map((s) => `- ${where(s)} (${s.reasons.join("; ") || `score ${s.score}`})`),
        `The commit is small (${c.files.length} file${c.files.length === 1 ? "" : "s"}, ${c.changedLines} changed lines) and its revert applies cleanly on the base, so undoing it returns to code that worked before it.`,
      ].join("\n"),
      edits,
      diff: unifiedDiff(edits),
      revertOf: c.sha,
    };
  }
}
