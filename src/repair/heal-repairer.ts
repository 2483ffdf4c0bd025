/**
 * The heal loop's repairer (it has the shape of `HealRepairer` in heal/actions): runs the repair
 * chain on a bare clone of the service's forge repository with the incident's diagnosis and
 * trace, and opens a pull request for the proven patch on `pitcrew/heal-<key>`. Idempotent per
 * key: when a pull request from that branch exists, it is returned and nothing runs again.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RepairLlmConfig } from "../common/config/config-schema.js";
import type { Forge } from "../forge/index.js";
import { type Diagnosis, shiftWithoutTrace, trafficShiftOf } from "../diagnose/index.js";
import { openFixPullRequest } from "./fix-pull-request.js";
import { defaultFixers, runRepairChain } from "./repair-chain.js";
import { git } from "../runner/index.js";
import { type ReproductionInput, slugOf } from "./reproduce/reproduction.js";

/** One repair asked for by the heal loop. */
export interface HealRepairRequest {
  key: string;
  service: string;
  /** The incident's diagnosis, with the text of the log record holding the leading trace. */
  diagnosis: Diagnosis & { trace?: string };
  attempt: number;
  signal: AbortSignal;
}

/** A pull request as the heal loop tracks it. */
export interface HealFixPullRequest {
  repo: string;
  number: number;
  url: string;
  title: string;
}

/** What the repairer needs. */
export interface ChainRepairerDeps {
  forge: Forge;
  /** The forge repository and branch holding `service`'s code, undefined when unknown. */
  repoOf(service: string): Promise<{ repo: string; baseBranch: string } | undefined>;
  /** The failing request to reproduce, when the incident captured one. */
  replayOf?(req: HealRepairRequest): Promise<ReproductionInput | undefined>;
  /** Link to a pull request (default: its API path). */
  pullRequestUrl?(repo: string, number: number): string;
  /** Per test run (default 300 000 ms). */
  timeoutMs?: number;
  /** The `repair.llm` config section: adds the LLM fixer to the default fixers. */
  llm?: RepairLlmConfig;
}

/** Builds the repairer (see the module comment). */
export function chainHealRepairer(deps: ChainRepairerDeps) {
  const url = deps.pullRequestUrl ?? ((repo: string, n: number) => `/api/forge/${repo}/pulls/${n}`);
  const view = (pr: { repo: string; number: number; title: string }): HealFixPullRequest => ({
    repo: pr.repo,
    number: pr.number,
    url: url(pr.repo, pr.number),
    title: pr.title,
  });
  return {
    /** Proposes, proves and opens a PR for the incident; idempotent per `req.key`. */
    async repair(req: HealRepairRequest): Promise<{ pr: HealFixPullRequest; note: string } | { none: string }> {
      const target = await deps.repoOf(req.service);
      if (!target) return { none: `no forge repository is known for service ${req.service}` };
      const branch = `pitcrew/heal-${slugOf(req.key, 60)}`;
      const existing = (await deps.forge.listPullRequests({ repo: target.repo })).find((p) => p.headBranch === branch);
      if (existing)
        return { pr: view(existing), note: `pull request #${existing.number} was already opened for ${req.key}` };
      if (!req.diagnosis.trace && !req.diagnosis.hypotheses.some((h) => h.kind === "config")) {
        const shift = trafficShiftOf(req.diagnosis.hypotheses);
        const none = "the diagnosis has neither a stack trace nor a config hypothesis to repair from";
        return { none: shift ? `${none}: ${shiftWithoutTrace(shift)}` : none };
      }
      const dir = await mkdtemp(join(tmpdir(), "pitcrew-heal-"));
      try {
        await git(["clone", "--quiet", "--bare", "--", deps.forge.cloneUrl(target.repo), dir], {
          cwd: tmpdir(),
          timeoutMs: 120_000,
        });
        const chain = (replay: ReproductionInput | undefined) =>
          runRepairChain({
            repoDir: dir,
            base: target.baseBranch,
            trace: req.diagnosis.trace,
            diagnosis: req.diagnosis,
            replay,
            fixers: defaultFixers({ llm: deps.llm }),
            timeoutMs: deps.timeoutMs,
            signal: req.signal,
          });
        const replay = await deps.replayOf?.(req);
        let result = await chain(replay);
        // a captured request that does not fail on the base as the incident did reproduces nothing:
        // prove with the tests alone
        if (!result.best && replay && result.candidates.some((c) => c.proof?.reproduced === false))
          result = await chain(undefined);
        if (!result.best) {
          const why = result.candidates.map((c) => `${c.patch.title}: ${c.proof?.reason ?? c.error ?? "not tried"}`);
          return { none: why.length ? `no patch could be proven (${why.join("; ")})` : "no fixer proposed a patch" };
        }
        const pr = await openFixPullRequest({
          forge: deps.forge,
          repo: target.repo,
          baseBranch: target.baseBranch,
          result,
          candidate: result.best,
          branch,
        });
        return { pr: view(pr), note: `opened pull request #${pr.number}: ${pr.title} (${result.best.proof.reason})` };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
