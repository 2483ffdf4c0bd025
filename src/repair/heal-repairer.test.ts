import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createSqliteTestDatabase } from "../../test/support/databases.js";
import { gitRepoWith } from "../../test/fixtures/repair/pattern-case.js";
import { cartP13 } from "../../test/fixtures/repair/shop-failures.js";
import type { TrafficShiftData } from "../diagnose/index.js";
import { LocalForge } from "../forge/index.js";
import type { HealRepairer } from "../heal/actions/service-heal-actions.js";
import { PullRequestsRepo } from "../store/repositories/pull-requests-repo.js";
import { chainHealRepairer } from "./heal-repairer.js";

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

async function localForge(): Promise<LocalForge> {
  const tdb = await createSqliteTestDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), "pitcrew-heal-forge-"));
  cleanups.push(
    () => tdb.dispose(),
    () => rmSync(dataDir, { recursive: true, force: true }),
  );
  let now = 1;
  return new LocalForge({
    dataDir,
    pullRequests: new PullRequestsRepo(tdb.database.db),
    events: { emit: async () => undefined },
    clock: { now: () => now++ },
  });
}

const diagnosis = {
  service: "cart",
  summary: "TypeError in describeCart",
  createdAt: 0,
  trace: cartP13.trace,
  hypotheses: [
    { kind: "code_bug" as const, confidence: 0.9, evidence: [], explanation: "TypeError at src/cart-view.mjs:15" },
  ],
};

describe("chainHealRepairer", () => {
  it("opens one proven pull request per key for the heal loop", async () => {
    const forge = await localForge();
    await forge.createRepository("shop-cart", {
      fromPath: gitRepoWith({}, join(import.meta.dirname, "../../examples/shop/cart")),
    });
    const repairer: HealRepairer = chainHealRepairer({
      forge,
      repoOf: async (service) => (service === "cart" ? { repo: "shop-cart", baseBranch: "main" } : undefined),
    });
    const req = { key: "heal-7-1", service: "cart", diagnosis, attempt: 1, signal: new AbortController().signal };
    const first = await repairer.repair(req);
    expect(first).toMatchObject({
      pr: {
        repo: "shop-cart",
        number: 1,
        url: "/api/forge/shop-cart/pulls/1",
        title: "Guard against missing product in describeCart (skip the item)",
      },
    });
    expect("note" in first && first.note).toMatch(/^opened pull request #1: .*the project's tests pass with the patch/);
    const pr = await forge.getPullRequest("shop-cart", 1);
    expect(pr).toMatchObject({ headBranch: "pitcrew/heal-heal-7-1", baseBranch: "main", author: "pitcrew-bot" });
    const again = await repairer.repair(req);
    expect(again).toMatchObject({ pr: { number: 1 }, note: "pull request #1 was already opened for heal-7-1" });
    expect(await forge.listPullRequests({ repo: "shop-cart" })).toHaveLength(1);
    expect(await repairer.repair({ ...req, service: "catalog" })).toEqual({
      none: "no forge repository is known for service catalog",
    });
  });

  it("says why a traffic shift without a stack trace has nothing to repair from, naming the shape", async () => {
    const forge = await localForge();
    await forge.createRepository("shop-cart", {
      fromPath: gitRepoWith({}, join(import.meta.dirname, "../../examples/shop/cart")),
    });
    const repairer = chainHealRepairer({ forge, repoOf: async () => ({ repo: "shop-cart", baseBranch: "main" }) });
    const shift: TrafficShiftData = {
      service: "cart",
      shape: "GET /cart/{int} ?expand=str",
      route: "GET /cart/{int}",
      firstSeenAt: 1_800_000_000_000,
      onsetAt: 1_800_000_003_000,
      historyMs: 600_000,
      change: "new",
      before: { requests: 0, share: 0 },
      after: { requests: 40, errors: 38, share: 0.1 },
      errorShare: 0.95,
      othersErrorRate: 0.005,
      errorsByRelease: { "3": 38 },
    };
    const shifted = {
      service: "cart",
      summary: "the errors began with a new kind of request",
      createdAt: 0,
      hypotheses: [
        {
          kind: "traffic_shift" as const,
          confidence: 0.88,
          evidence: [{ kind: "traffic" as const, summary: "", data: shift }],
          explanation: "",
        },
      ],
    };
    const req = {
      key: "heal-8-1",
      service: "cart",
      diagnosis: shifted,
      attempt: 1,
      signal: new AbortController().signal,
    };
    expect(await repairer.repair(req)).toEqual({
      none:
        "the diagnosis has neither a stack trace nor a config hypothesis to repair from: requests shaped GET /cart/{int} ?expand=str " +
        "(new at 2027-01-15T08:00:03.000Z) carry 95 % of the 5xx, 38 of their 40 answers since, but cart logged no stack trace for them: " +
        "the fixers patch the frame a trace names, so a person has to find the code path these requests take",
    });
    expect(await forge.listPullRequests({ repo: "shop-cart" })).toHaveLength(0);
  });
});
