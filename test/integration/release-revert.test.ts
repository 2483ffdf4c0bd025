/**
 * The release reverter against real git repositories on the embedded forge and a real store: a
 * rollout rolled back by its analysis gets a pull request (by the repair bot) reverting the
 * commits between the last good live release and the bad one, merged once its CI is green; a
 * heal's revert is only watched, and closed once its heal gave up; each reason to skip is recorded as a `revert.skipped` event; a
 * restart (a new reverter over the same store, a crash after the PR was opened but before it was
 * recorded) never opens a second pull request.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BOT_USER, CI_CHECK } from "../../src/forge/index.js";
import { ReleaseReverter } from "../../src/heal/index.js";
import { commitFiles, createRepo, gitIn } from "../support/git-repo.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

const CART = "export const total = (c) => c.items.reduce((s, i) => s + i.price, 0);\n";
const BAD = "export const total = (c) => c.items.reduce((s, i) => s + i.product.price, 0);\n";

describe("the release reverter", () => {
  let t: TestApp;
  let n = 0;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.dispose());

  const reverter = () =>
    new ReleaseReverter({
      store: t.app.store,
      forge: t.app.forge,
      events: t.app.events,
      clock: t.app.clock,
      log: t.app.log,
      pollMs: 60_000,
    });

  /** A forge repository and project whose `main` got `bad` on top of `good`; a developer clone. */
  const project = async (badMessage = "cart: price items from their product") => {
    const name = `shop${++n}`;
    const seed = createRepo({ "cart.mjs": CART, "README.md": "shop\n" });
    await t.app.forge.createRepository(name, { fromPath: seed });
    await t.app.store.projects.create({ name, repoUrl: t.app.forge.cloneUrl(name), defaultBranch: "main" });
    const clone = join(mkdtempSync(join(tmpdir(), "pitcrew-dev-")), name);
    execFileSync("git", ["clone", "--quiet", t.app.forge.cloneUrl(name), clone]);
    const good = gitIn(clone, "rev-parse", "HEAD");
    const bad = commitFiles(clone, { "cart.mjs": BAD }, badMessage);
    await push(name, clone);
    return { name, clone, good, bad };
  };
  const push = (repo: string, clone: string) => t.app.forge.pushBranch(repo, { branch: "main", fromWorktree: clone });
  const release = async (projectName: string, commit: string) => {
    const spec = {
      command: ["true"],
      env: {},
      cwd: tmpdir(),
      replicas: 1,
      health: { readinessPath: "/", livenessPath: "/" },
    };
    return t.app.store.releases.create({
      project: projectName,
      environment: "production",
      runId: null,
      commit,
      specOf: () => spec,
      triggeredBy: "test",
      reason: "test",
      at: Date.now(),
    });
  };
  /** A canary of `bad` over `good`, rolled back by its analysis; returns the rollout id. */
  const judged = async (p: { name: string; good: string; bad: string }) => {
    const good = await release(p.name, p.good);
    await t.app.store.releases.setStatus(good.id, "live", Date.now());
    const bad = await release(p.name, p.bad);
    const r = await t.app.store.rollouts.create({
      project: p.name,
      environment: "production",
      releaseId: bad.id,
      baselineReleaseId: good.id,
      kind: "canary",
      strategy: {},
      at: Date.now(),
    });
    const reason = "analysis failed: judge-errors: error ratio 0.12 vs 0.00";
    await t.app.store.rollouts.transition(r.id, ["progressing"], "rolled_back", reason, Date.now());
    return r.id;
  };
  const mainFile = (repo: string) => {
    const dir = join(mkdtempSync(join(tmpdir(), "pitcrew-check-")), repo);
    execFileSync("git", ["clone", "--quiet", t.app.forge.cloneUrl(repo), dir]);
    return readFileSync(join(dir, "cart.mjs"), "utf8");
  };
  const events = async (rollout: number): Promise<Array<Record<string, unknown>>> =>
    (await t.app.store.events.list({ subjectPrefix: `rollout:${rollout}` })).map((e) => ({
      type: e.type,
      ...(e.data as Record<string, unknown>),
    }));

  it("opens a revert PR as the bot, merges it once CI is green, and main has the good code again", async () => {
    const p = await project();
    const rollout = await judged(p);
    const row = await reverter().request(rollout);
    expect(row).toMatchObject({ state: "open", repo: p.name, goodCommit: p.good, badCommit: p.bad });
    if (typeof row === "string") throw new Error(row);
    const pr = await t.app.forge.getPullRequest(p.name, row.prNumber!);
    expect(pr).toMatchObject({
      state: "open",
      author: BOT_USER,
      headBranch: `pitcrew/revert-rollout-${rollout}`,
      title: 'Revert "cart: price items from their product" (rolled back)',
    });
    expect(pr.body).toContain(`This reverts commit ${p.bad}`);
    const [commit] = await t.app.forge.commits(pr);
    expect(commit?.author).toBe(BOT_USER);

    const r = reverter();
    await r.tick(); // CI has not reported: it waits
    expect((await t.app.store.releaseReverts.get(rollout))?.state).toBe("open");
    await t.app.forge.setCheck(pr, { name: CI_CHECK, status: "success" });
    await r.tick();
    const merged = await t.app.store.releaseReverts.get(rollout);
    expect(merged).toMatchObject({ state: "merged", mergeCommit: expect.stringMatching(/^[0-9a-f]{40}$/) });
    expect(mainFile(p.name)).toBe(CART);
    expect((await events(rollout)).map((e) => e.type)).toEqual(["revert.planned", "revert.opened", "revert.merged"]);
  });

  it("reverts every commit between the good and the bad release, newest first", async () => {
    const p = await project();
    const second = commitFiles(p.clone, { "README.md": "shop, now with product prices\n" }, "readme: prices");
    await push(p.name, p.clone);
    const rollout = await judged({ ...p, bad: second });
    const row = await reverter().request(rollout);
    if (typeof row === "string") throw new Error(row);
    const pr = await t.app.forge.getPullRequest(p.name, row.prNumber!);
    expect(pr.title).toBe(`Revert 2 commits of a rolled-back release (${second.slice(0, 10)})`);
    expect(pr.body).toContain(`This reverts commit ${second}`);
    expect(pr.body).toContain(`This reverts commit ${p.bad}`);
    const diff = await t.app.forge.diff(pr);
    expect(diff).toContain("-shop, now with product prices");
    expect(diff).toContain("+export const total = (c) => c.items.reduce((s, i) => s + i.price, 0);");
  });

  it("never opens a second PR for one rollback: asked twice, restarted, or cut off before recording its PR", async () => {
    const p = await project();
    const rollout = await judged(p);
    const first = await reverter().request(rollout);
    const again = await reverter().request(rollout);
    if (typeof first === "string" || typeof again === "string") throw new Error("no revert");
    expect(again.prNumber).toBe(first.prNumber);
    // a crash after the PR was opened, before the row said so: the restarted reverter finds it
    await t.app.store.releaseReverts.update(rollout, { state: "planned", prNumber: null }, Date.now());
    await reverter().tick();
    expect((await t.app.store.releaseReverts.get(rollout))?.prNumber).toBe(first.prNumber);
    const prs = await t.app.forge.listPullRequests({ repo: p.name });
    expect(prs).toHaveLength(1);
    // and a restart's catch-up plans nothing new for a rollout that has its row
    await reverter().catchUp();
    expect(await t.app.forge.listPullRequests({ repo: p.name })).toHaveLength(1);
  });

  it("a heal's revert is followed by the heal: the reverter does not merge it, and records the heal's merge", async () => {
    const p = await project();
    const rollout = await judged(p);
    const r = reverter();
    await r.request(rollout); // the analysis's event came first: the reverter planned and opened it on its own
    const out = await r.revertRollback({ handle: `abort:${rollout}`, healId: 42 });
    if (!("pr" in out)) throw new Error(out.skipped);
    expect(out.note).toContain(`rollout ${rollout}`);
    const pr = await t.app.forge.getPullRequest(p.name, out.pr.number);
    await t.app.forge.setCheck(pr, { name: CI_CHECK, status: "success" });
    await r.tick();
    expect(await t.app.store.releaseReverts.get(rollout)).toMatchObject({ state: "open", healId: 42 });
    await t.app.forge.merge(pr, { method: "squash", by: BOT_USER });
    await r.tick();
    expect((await t.app.store.releaseReverts.get(rollout))?.state).toBe("merged");
    expect((await events(rollout)).filter((e) => e.type === "revert.planned")).toHaveLength(1);
    expect(await t.app.forge.listPullRequests({ repo: p.name })).toHaveLength(1);
  });

  /** A heal of a new incident on `service`, moved to `to` with `reason`. */
  const healIn = async (service: string, to: "escalated" | "failed", reason: string) => {
    const at = Date.now();
    const signal = { kind: "alert" as const, key: `k${++n}`, service, status: "firing" as const, data: {}, at };
    const incident = await t.app.store.incidents.open(
      { title: "HighErrorRate", service, severity: "critical", at },
      signal,
      [],
    );
    const heal = await t.app.store.heals.create({
      incidentId: incident.id,
      service,
      policy: "deploy",
      detectedAt: at,
      at,
    });
    return {
      heal,
      incident,
      give: () =>
        t.app.store.heals.transition(
          heal.id,
          { state: heal.state, version: heal.version },
          { to, at, note: reason, reason },
        ),
    };
  };

  it("closes a heal's revert left open once that heal escalated, with a comment naming the heal", async () => {
    const p = await project();
    const rollout = await judged(p);
    const h = await healIn(p.name, "escalated", "ci_running timed out after 10 min");
    const r = reverter();
    const out = await r.revertRollback({ handle: `abort:${rollout}`, healId: h.heal.id });
    if (!("pr" in out)) throw new Error(out.skipped);
    await r.tick();
    expect((await t.app.forge.getPullRequest(p.name, out.pr.number)).state).toBe("open"); // the heal still follows it

    await h.give();
    await r.tick();
    await r.tick();
    const pr = await t.app.forge.getPullRequest(p.name, out.pr.number);
    expect(pr.state).toBe("closed");
    const comments = (await t.app.forge.listComments(pr)).filter((c) => c.author === BOT_USER);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain(`heal #${h.heal.id} (incident #${h.incident.id})`);
    expect(comments[0]!.body).toContain("ci_running timed out after 10 min");
    expect(await t.app.store.releaseReverts.get(rollout)).toMatchObject({
      state: "failed",
      reason: expect.stringContaining(`heal #${h.heal.id}`),
    });
    expect((await events(rollout)).map((e) => e.type)).toContain("revert.failed");
    expect(mainFile(p.name)).toBe(BAD); // nothing merged
  });

  it("leaves open the revert a heal's policy hands to a person, and one whose heal failed is closed too", async () => {
    const handed = await project();
    const kept = await healIn(handed.name, "escalated", "policy pr");
    const r = reverter();
    const open = await r.revertRollback({ handle: `abort:${await judged(handed)}`, healId: kept.heal.id });
    if (!("pr" in open)) throw new Error(open.skipped);
    await kept.give();
    await r.tick();
    expect((await t.app.forge.getPullRequest(handed.name, open.pr.number)).state).toBe("open");

    const broken = await project();
    const failed = await healIn(broken.name, "failed", "merge failed 5×: forge unreachable");
    const closed = await r.revertRollback({ handle: `abort:${await judged(broken)}`, healId: failed.heal.id });
    if (!("pr" in closed)) throw new Error(closed.skipped);
    await failed.give();
    await r.tick();
    expect((await t.app.forge.getPullRequest(broken.name, closed.pr.number)).state).toBe("closed");
  });

  it("reverts what a heal's rollback rollout took out of traffic (from the live bad release back to the good one)", async () => {
    const p = await project();
    const bad = await release(p.name, p.bad);
    await t.app.store.releases.setStatus(bad.id, "live", Date.now());
    const again = await release(p.name, p.good);
    const r = await t.app.store.rollouts.create({
      project: p.name,
      environment: "production",
      releaseId: again.id,
      baselineReleaseId: bad.id,
      kind: "rollback",
      strategy: {},
      at: Date.now(),
    });
    await t.app.store.rollouts.transition(r.id, ["progressing"], "succeeded", "rolled back", Date.now());
    const out = await reverter().revertRollback({ handle: `rollout:${r.id}`, healId: 3 });
    expect(out).toMatchObject({ pr: { repo: p.name, title: expect.stringMatching(/^Revert /) } });
    expect(await t.app.store.releaseReverts.get(r.id)).toMatchObject({ goodCommit: p.good, badCommit: p.bad });
  });

  it("reverts only the bad change when the release it was judged against is older than a revert on main", async () => {
    // main: good → B1 (a bad change) → D (the developer's revert of B1) → K (the next bad change);
    // D's release was taken out of traffic again (a post-deploy watch), so K's canary was judged
    // against good's release: the range good..K holds D and B1, which must stay as they are
    const p = await project();
    gitIn(p.clone, "revert", "--no-edit", p.bad);
    const developerRevert = gitIn(p.clone, "rev-parse", "HEAD");
    const next = commitFiles(p.clone, { "README.md": "shop, with a banner\n" }, "readme: a banner");
    await push(p.name, p.clone);
    const rollout = await judged({ ...p, bad: next });
    const row = await reverter().request(rollout);
    if (typeof row === "string" || row.state !== "open") throw new Error(`no revert: ${JSON.stringify(row)}`);
    const pr = await t.app.forge.getPullRequest(p.name, row.prNumber!);
    expect(pr.title).toBe('Revert "readme: a banner" (rolled back)');
    expect(pr.body).toContain(`This reverts commit ${next}`);
    expect(pr.body).not.toContain(`This reverts commit ${p.bad}`);
    expect(pr.body).toContain(
      `- ${developerRevert.slice(0, 10)} "Revert "cart: price items from their product"" (a fix or revert)`,
    );
    expect(pr.body).toContain(`- ${p.bad.slice(0, 10)} "cart: price items from their product" (reverted since)`);
    const diff = await t.app.forge.diff(pr);
    expect(diff).toContain("-shop, with a banner");
    expect(diff).not.toContain("cart.mjs");
  });

  it("marks a revert whose CI failed as failed", async () => {
    const p = await project();
    const rollout = await judged(p);
    const row = await reverter().request(rollout);
    if (typeof row === "string") throw new Error(row);
    await t.app.forge.setCheck(await t.app.forge.getPullRequest(p.name, row.prNumber!), {
      name: CI_CHECK,
      status: "failure",
    });
    await reverter().tick();
    expect(await t.app.store.releaseReverts.get(rollout)).toMatchObject({
      state: "failed",
      reason: expect.stringContaining(`${CI_CHECK} failed`),
    });
  });

  describe("skips, with the reason as an event", () => {
    const skipped = async (rollout: number, onsetAt?: number) => {
      const out = await reverter().revertRollback({ handle: `rollout:${rollout}`, healId: 7, onsetAt });
      expect(out).toHaveProperty("skipped");
      const row = await t.app.store.releaseReverts.get(rollout);
      expect(row?.state).toBe("skipped");
      expect((await events(rollout)).find((e) => e.type === "revert.skipped")?.reason).toBe(row?.reason);
      const shown = await t.server.inject({
        method: "GET",
        url: `/api/rollouts/${rollout}`,
        headers: { authorization: `Bearer ${t.adminToken}` },
      });
      expect(shown.json().revert).toEqual({
        state: "skipped",
        reason: row?.reason,
        pullRequest: null,
        mergeCommit: null,
      });
      return row!.reason;
    };

    it("when the range is already reverted on main", async () => {
      const p = await project();
      gitIn(p.clone, "revert", "--no-edit", p.bad);
      await push(p.name, p.clone);
      expect(await skipped(await judged(p))).toMatch(/already reverted on main/);
    });

    it("when someone pushed on top of the bad release in a way that makes the revert conflict", async () => {
      const p = await project();
      commitFiles(p.clone, { "cart.mjs": BAD.replace("0)", "0) * 1.2") }, "cart: add VAT");
      await push(p.name, p.clone);
      expect(await skipped(await judged(p))).toMatch(/conflicts with what was pushed on main since in cart\.mjs/);
      expect(await t.app.forge.listPullRequests({ repo: p.name })).toHaveLength(0);
    });

    it("when a commit of the range fixed an incident (a heal never undoes a fix)", async () => {
      const p = await project("cart: fix the price of bundles (incident #12)");
      expect(await skipped(await judged(p))).toMatch(/a heal never undoes a fix/);
    });

    it("when a fix lies on top of a commit to revert", async () => {
      const p = await project();
      const fix = commitFiles(
        p.clone,
        { "cart.mjs": BAD.replace("i.product.price", "(i.product?.price ?? 0)") },
        "cart: fix missing products",
      );
      await push(p.name, p.clone);
      expect(await skipped(await judged({ ...p, bad: fix }))).toMatch(
        /"cart: fix missing products" fixed an incident or reverted a change on top of commit .* "cart: price items from their product": a heal never undoes a fix/,
      );
    });

    it("when a commit of the range is newer than the incident's onset", async () => {
      const p = await project();
      const committed = Number(gitIn(p.clone, "log", "-1", "--format=%ct", p.bad)) * 1000;
      expect(await skipped(await judged(p), committed - 60_000)).toMatch(/landed after the incident began/);
    });

    it("when the rollout did not take a release out of traffic", async () => {
      const p = await project();
      const good = await release(p.name, p.good);
      const r = await t.app.store.rollouts.create({
        project: p.name,
        environment: "production",
        releaseId: good.id,
        baselineReleaseId: null,
        kind: "canary",
        strategy: {},
        at: Date.now(),
      });
      await t.app.store.rollouts.transition(r.id, ["progressing"], "succeeded", "done", Date.now());
      expect(await reverter().revertRollback({ handle: `abort:${r.id}`, healId: 1 })).toEqual({
        skipped: `rollout ${r.id} did not take a release out of traffic (it is succeeded)`,
      });
    });
  });
});
