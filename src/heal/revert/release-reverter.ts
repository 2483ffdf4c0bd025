/**
 * The release reverter (config `heal.revert_rollbacks`): when a release is rolled back — by its
 * rollout's analysis (the canary judge), or by a heal whose diagnosis blamed it — the commits it
 * brought stay on the base branch until someone reverts them. The reverter does: it opens a pull
 * request as the repair bot reverting the commits between the last good live release and the bad
 * one (revert-range.ts says when it skips instead, and why), waits for its CI and merges it when
 * green; the merge ships like any push. A revert a heal asked for is followed by that heal (its
 * ci_running → merging → deploying → verifying), so the reverter only watches it — and closes it,
 * with a comment naming the heal, once that heal gave up (escalated or failed, other than by its
 * policy handing the pull request to a person): nobody would follow it any more.
 *
 * One row per rolled-back rollout (store `release_reverts`, keyed by the rollout's id):
 *
 * ```
 * planned ─┬─ PR opened ──► open ─┬─ CI green, merged (by the reverter or the heal) ──► merged
 *          │                      └─ CI red, the PR closed, or its heal gave up ───► failed
 *          └─ a reason not to (revert-range.ts) ─────────────────────────────────────► skipped
 * ```
 *
 * The row is written before any side effect; its branch is named after the rollout
 * (`pitcrew/revert-rollout-<id>`), and a planned row first looks for a pull request from that
 * branch, so a restart at any point opens no second pull request. Each step is announced as a
 * `revert.*` event on the rollout (`/api/events?subject=rollout:<id>`). One row advances at a
 * time per rollout in this process; the forge and the store's primary key guard the rest.
 */
import { rm } from "node:fs/promises";
import type { Clock } from "../../common/clock.js";
import { NotFoundError } from "../../common/errors.js";
import type { Logger } from "../../common/logger.js";
import { type Bus, type EventLog, onEvent } from "../../events/index.js";
import { BOT_USER, type Forge } from "../../forge/index.js";
import type { PullRequest, ReleaseRevert, ReleaseRevertState, Store } from "../../store/index.js";
import type { HealPullRequest } from "../heal-actions.js";
import { checkPullRequestCi, mergePullRequest } from "../actions/pull-request-steps.js";
import { prepareRevert } from "./revert-range.js";

/** What the reverter needs. */
export interface ReleaseReverterDeps {
  store: Store;
  forge: Forge;
  events: EventLog;
  clock: Clock;
  log: Logger;
  /** How often open reverts are advanced (ms). */
  pollMs: number;
  /** The link of a pull request (default: its API path). */
  pullRequestUrl?: (repo: string, number: number) => string;
}

/** What a heal gets back: the revert pull request to follow, or why there is none. */
export type RevertOutcome = { pr: HealPullRequest; note: string } | { skipped: string };

/** Rolled-back rollouts looked at when the reverter starts (those missed while it was down). */
const CATCH_UP_ROLLOUTS = 50;
/** …that ended at most this long ago (ms). */
const CATCH_UP_MS = 3_600_000;
/** The message of a rollout its analysis rolled back (deploy/rollouts/rollout-runner.ts). */
const JUDGED = /^analysis failed/;

/** See the module comment. */
export class ReleaseReverter {
  readonly #running = new Map<number, Promise<void>>();
  readonly #url: (repo: string, number: number) => string;

  constructor(private readonly deps: ReleaseReverterDeps) {
    this.#url = deps.pullRequestUrl ?? ((repo, n) => `/api/forge/${repo}/pulls/${n}`);
  }

  /** Reverts the releases analyses roll back (live and missed while down) and advances open reverts; returns stop. */
  start(bus: Bus): () => void {
    const { log } = this.deps;
    const off = onEvent(bus, "rollout.rolled_back", ({ data }) => {
      if (!JUDGED.test(data.reason)) return;
      void this.request(data.rollout).catch((err) => log.error({ err, rollout: data.rollout }, "revert failed"));
    });
    void this.catchUp().catch((err) => log.error({ err }, "revert catch-up failed"));
    const timer = setInterval(() => void this.tick(), this.deps.pollMs);
    timer.unref();
    return () => {
      off();
      clearInterval(timer);
    };
  }

  /** Plans a revert for each recent rollout its analysis rolled back that has none yet. */
  async catchUp(): Promise<void> {
    const { store, clock } = this.deps;
    for (const r of await store.rollouts.list({ limit: CATCH_UP_ROLLOUTS })) {
      if (r.state !== "rolled_back" || !JUDGED.test(r.message)) continue;
      if ((r.finishedAt ?? r.updatedAt) < clock.now() - CATCH_UP_MS) continue;
      if (!(await store.releaseReverts.get(r.id))) await this.request(r.id);
    }
  }

  /** Advances every planned or open revert once. */
  async tick(): Promise<void> {
    for (const row of await this.deps.store.releaseReverts.listActive()) {
      await this.#advance(row.rolloutId).catch((err) =>
        this.deps.log.warn({ err, rollout: row.rolloutId }, "advancing a revert failed"),
      );
    }
  }

  /**
   * The revert of the release a heal's rollback took out of traffic (`handle`: the heal's
   * `abort:<id>` or `rollout:<id>`), planned for that heal (idempotent per rollback): its pull
   * request once open, or why there is none. Throws while the pull request is not open yet.
   */
  async revertRollback(req: { handle: string; healId: number; onsetAt?: number }): Promise<RevertOutcome> {
    const id = /^(?:abort|rollout):(\d+)$/.exec(req.handle)?.[1];
    if (!id) return { skipped: `the rollback ${req.handle} names no rollout` };
    const row = await this.request(Number(id), { healId: req.healId, onsetAt: req.onsetAt });
    if (typeof row === "string") return { skipped: row };
    if (row.state === "skipped" || row.state === "failed") return { skipped: row.reason };
    if (!row.repo || row.prNumber === null) throw new Error(`the revert of rollout ${id} has no pull request yet`);
    const pr = await this.deps.forge.getPullRequest(row.repo, row.prNumber);
    return {
      pr: { repo: row.repo, number: pr.number, url: this.#url(row.repo, pr.number), title: pr.title },
      note: `opened PR #${pr.number} reverting ${row.goodCommit.slice(0, 8)}..${row.badCommit.slice(0, 8)}, the release rollout ${id} took out of traffic`,
    };
  }

  /**
   * Plans (once) and advances the revert of rolled-back rollout `rolloutId`; a heal's request
   * claims the row (the heal then waits for CI and merges). Returns the row, or why no revert
   * applies (the rollout did not take a release out of traffic, or there is nothing to go back to).
   */
  async request(rolloutId: number, by: { healId?: number; onsetAt?: number } = {}): Promise<ReleaseRevert | string> {
    const { store, clock, events } = this.deps;
    let row = await store.releaseReverts.get(rolloutId);
    if (!row) {
      const range = await this.#rangeOf(rolloutId);
      if (typeof range === "string") return range;
      const planned = await store.releaseReverts.plan(
        { rolloutId, ...range, healId: by.healId ?? null, onsetAt: by.onsetAt ?? null },
        clock.now(),
      );
      row = planned.row;
      if (planned.created)
        await events.emit(
          "revert.planned",
          { kind: "rollout", id: rolloutId },
          { ...this.#ref(row), heal: row.healId },
        );
    }
    // a heal's request claims a revert the reverter planned on its own (the rollout's analysis event came first)
    if (by.healId !== undefined && row.healId === null && (row.state === "planned" || row.state === "open"))
      await store.releaseReverts.update(
        rolloutId,
        { healId: by.healId, onsetAt: by.onsetAt ?? row.onsetAt },
        clock.now(),
      );
    await this.#advance(rolloutId);
    return (await store.releaseReverts.get(rolloutId))!;
  }

  /** The good and bad releases' commits of a rolled-back rollout (or a rollback), or why none. */
  async #rangeOf(rolloutId: number) {
    const { store } = this.deps;
    const r = await store.rollouts.get(rolloutId);
    const rollback = r.kind === "rollback";
    if (rollback ? r.state !== "succeeded" : r.state !== "rolled_back")
      return `rollout ${rolloutId} did not take a release out of traffic (it is ${r.state})`;
    if (r.baselineReleaseId === null) return `rollout ${rolloutId} had no earlier release to go back to`;
    const [good, bad] = rollback ? [r.releaseId, r.baselineReleaseId] : [r.baselineReleaseId, r.releaseId];
    const [goodCommit, badCommit] = [(await store.releases.get(good)).commit, (await store.releases.get(bad)).commit];
    if (goodCommit === badCommit) return `the rolled-back release runs the same commit ${goodCommit.slice(0, 8)}`;
    return { project: r.project, environment: r.environment, goodCommit, badCommit };
  }

  /** One step of the row's machine, one at a time per rollout. */
  #advance(rolloutId: number): Promise<void> {
    const running = this.#running.get(rolloutId);
    if (running) return running;
    const step = this.#step(rolloutId).finally(() => this.#running.delete(rolloutId));
    this.#running.set(rolloutId, step);
    return step;
  }

  async #step(rolloutId: number): Promise<void> {
    const row = await this.deps.store.releaseReverts.get(rolloutId);
    if (row?.state === "planned") await this.#open(row);
    else if (row?.state === "open") await this.#follow(row);
  }

  /** planned → open (the PR found or opened) | skipped. */
  async #open(row: ReleaseRevert): Promise<void> {
    const { store, forge } = this.deps;
    const project = await store.projects.findByName(row.project);
    if (!project) return this.#end(row, "skipped", `project ${row.project} is gone`);
    const repo = project.name;
    const branch = `pitcrew/revert-rollout-${row.rolloutId}`;
    const found = (await forge.listPullRequests({ repo })).find(
      (p) => p.headBranch === branch && p.author === BOT_USER,
    );
    if (found) return this.#opened(row, repo, found.number);
    const prepared = await prepareRevert({
      cloneUrl: forge.cloneUrl(repo),
      baseBranch: project.defaultBranch,
      good: row.goodCommit,
      bad: row.badCommit,
      branch,
      onsetAt: row.onsetAt ?? undefined,
      why: `Release ${row.badCommit.slice(0, 10)} of ${row.project} was rolled back in ${row.environment} (rollout ${row.rolloutId}); this takes its commits off ${project.defaultBranch}, back to the code of ${row.goodCommit.slice(0, 10)}, the last good live release.`,
    });
    if ("skip" in prepared) return this.#end(row, "skipped", prepared.skip);
    try {
      await forge.pushBranch(repo, { branch, fromWorktree: prepared.dir, actor: BOT_USER });
      const pr = await forge.openPullRequest({
        repo,
        head: branch,
        base: project.defaultBranch,
        title: prepared.title,
        body: `Automated revert by pitcrew.\n\n${prepared.message}`,
        labels: ["pitcrew", "revert"],
        author: BOT_USER,
      });
      await this.#opened(row, repo, pr.number);
    } finally {
      await rm(prepared.dir, { recursive: true, force: true });
    }
  }

  async #opened(row: ReleaseRevert, repo: string, pr: number): Promise<void> {
    await this.deps.store.releaseReverts.update(
      row.rolloutId,
      { state: "open", repo, prNumber: pr },
      this.deps.clock.now(),
    );
    await this.deps.events.emit(
      "revert.opened",
      { kind: "rollout", id: row.rolloutId },
      { ...this.#ref(row), repo, pr, url: this.#url(repo, pr) },
    );
  }

  /** open → merged | failed: a heal's revert is only watched; the reverter's own is merged when green. */
  async #follow(row: ReleaseRevert): Promise<void> {
    const { forge } = this.deps;
    const ref = { repo: row.repo!, number: row.prNumber! };
    const pr = await forge.getPullRequest(ref.repo, ref.number);
    if (pr.state === "closed") return this.#end(row, "failed", `PR #${pr.number} was closed without merging`);
    if (pr.state === "merged" && pr.mergeCommit) return this.#merged(row, pr.mergeCommit);
    if (row.healId !== null) return this.#closeIfAbandoned(row, row.healId, pr);
    const ci = await checkPullRequestCi(forge, ref);
    if (ci.status === "pending") return;
    if (ci.status === "failure") return this.#end(row, "failed", ci.note);
    return this.#merged(row, (await mergePullRequest(forge, ref)).sha);
  }

  /**
   * Closes the open revert of heal `healId` once that heal gave up on it (see the module comment):
   * a comment naming the heal and why (once), the pull request closed, the row failed. A heal
   * the store no longer knows leaves the pull request as it is.
   */
  async #closeIfAbandoned(row: ReleaseRevert, healId: number, pr: PullRequest): Promise<void> {
    const { store, forge } = this.deps;
    const heal = await store.heals.get(healId).catch((err: unknown) => {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    });
    if (!heal || (heal.state !== "escalated" && heal.state !== "failed") || heal.reason?.startsWith("policy ")) return;
    const why = `heal #${heal.id} (incident #${heal.incidentId}) ${heal.state}: ${heal.reason ?? "no reason recorded"}`;
    const marker = `pitcrew closes this revert: heal #${heal.id} `;
    if (!(await forge.listComments(pr)).some((c) => c.author === BOT_USER && c.body.startsWith(marker)))
      await forge.addComment(pr, {
        author: BOT_USER,
        body: `${marker}(incident #${heal.incidentId}), which opened it, ${heal.state} (${heal.reason ?? "no reason recorded"}) and no longer follows it. Nothing will merge it; reopen and merge it by hand if the revert is still wanted.`,
      });
    await forge.close(pr, BOT_USER);
    await this.#end(row, "failed", `PR #${pr.number} closed: ${why}`);
  }

  async #merged(row: ReleaseRevert, commit: string): Promise<void> {
    await this.deps.store.releaseReverts.update(
      row.rolloutId,
      { state: "merged", mergeCommit: commit },
      this.deps.clock.now(),
    );
    await this.deps.events.emit(
      "revert.merged",
      { kind: "rollout", id: row.rolloutId },
      { ...this.#ref(row), repo: row.repo!, pr: row.prNumber!, commit },
    );
  }

  async #end(row: ReleaseRevert, state: Extract<ReleaseRevertState, "skipped" | "failed">, reason: string) {
    await this.deps.store.releaseReverts.update(row.rolloutId, { state, reason }, this.deps.clock.now());
    await this.deps.events.emit(
      `revert.${state}`,
      { kind: "rollout", id: row.rolloutId },
      { ...this.#ref(row), reason },
    );
    this.deps.log.info({ rollout: row.rolloutId, reason }, `revert ${state}`);
  }

  #ref(row: ReleaseRevert) {
    return { rollout: row.rolloutId, project: row.project, good: row.goodCommit, bad: row.badCommit };
  }
}
