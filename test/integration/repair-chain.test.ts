import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LocalForge } from "../../src/forge/local/local-forge.js";
import { openFixPullRequest } from "../../src/repair/fix-pull-request.js";
import { runRepairChain } from "../../src/repair/repair-chain.js";
import { PullRequestsRepo } from "../../src/store/repositories/pull-requests-repo.js";
import { gitRepoWith } from "../fixtures/repair/pattern-case.js";
import { cartP13, pricingZeroQuantity } from "../fixtures/repair/shop-failures.js";
import { createSqliteTestDatabase } from "../support/databases.js";

const shopDir = (service: string) => join(import.meta.dirname, "../../examples/shop", service);
const git = (dir: string, ...args: string[]) => execFileSync("git", args, { cwd: dir, encoding: "utf8" });
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

describe("runRepairChain", () => {
  it("fixes the cart's p-13 failure with a proven null guard, leaving the user's tree alone", async () => {
    const repoDir = gitRepoWith({}, shopDir("cart"));
    writeFileSync(join(repoDir, "src/cart-view.mjs"), "// work in progress\n"); // uncommitted user change
    const lines: string[] = [];
    const result = await runRepairChain({
      repoDir,
      trace: cartP13.trace,
      replay: cartP13,
      onProgress: (l) => lines.push(l),
    });
    expect(result.best?.patch.fixer).toBe("pattern/null-guard");
    expect(result.best?.reproduction?.path).toBe("test/pitcrew-repro-cart-with-a-discontinued-product.test.mjs");
    expect(result.best?.proof.onBase?.passed).toBe(false);
    expect(result.analysis?.suspects[0]).toMatchObject({ file: "src/cart-view.mjs", line: 15 });
    expect(
      lines.some((l) => l.startsWith("proving: Guard against missing product in describeCart (skip the item)")),
    ).toBe(true);
    expect(readFileSync(join(repoDir, "src/cart-view.mjs"), "utf8")).toBe("// work in progress\n");
    expect(git(repoDir, "worktree", "list").trim().split("\n")).toHaveLength(1);
  });

  it("proves the pricing patch that keeps price_line's result a priced line", async () => {
    const repoDir = gitRepoWith({}, shopDir("pricing"));
    const result = await runRepairChain({ repoDir, trace: pricingZeroQuantity.trace, replay: pricingZeroQuantity });
    expect(result.candidates.map((c) => c.proof?.proven)).toEqual([true]);
    expect(result.best?.patch.edits[0]?.after).toContain(
      '"unitSavings": round((discount / quantity if quantity else 0), 2),',
    );
  });

  it("fixes the gateway's timeout from a config diagnosis, proven by the gateway's tests", async () => {
    const repoDir = gitRepoWith({}, shopDir("gateway"));
    const result = await runRepairChain({
      repoDir,
      diagnosis: {
        summary: "timeouts",
        createdAt: 0,
        hypotheses: [
          {
            kind: "config",
            confidence: 0.9,
            explanation: "All 12 error logs are timeouts at a 50 ms limit.",
            evidence: [
              {
                kind: "log_line",
                summary: "catalog GET /products/p-2/recommendations timed out after 50 ms (catalog_timeout_ms=50)",
              },
              { kind: "metric", summary: "catalog p99 190 ms", data: { peer: "catalog", p99Ms: 190 } },
            ],
          },
        ],
      },
    });
    expect(result.best?.patch.title).toBe("Raise catalog_timeout_ms from 50 to 290 ms in config/gateway.json");
    expect(result.best?.proof.reason).toBe("the project's tests pass with the patch (no reproduction test)");
  });

  it("opens a pull request on the local forge from a scratch clone, as the bot", async () => {
    const tdb = await createSqliteTestDatabase();
    const dataDir = mkdtempSync(join(tmpdir(), "pitcrew-forge-"));
    cleanups.push(
      () => tdb.dispose(),
      () => rmSync(dataDir, { recursive: true, force: true }),
    );
    let now = 1;
    const forge = new LocalForge({
      dataDir,
      pullRequests: new PullRequestsRepo(tdb.database.db),
      events: { emit: async () => undefined },
      clock: { now: () => now++ },
    });
    await forge.createRepository("cart", { fromPath: gitRepoWith({}, shopDir("cart")) });
    const bare = forge.cloneUrl("cart");
    const result = await runRepairChain({ repoDir: bare, base: "main", trace: cartP13.trace, replay: cartP13 });
    const pr = await openFixPullRequest({ forge, repo: "cart", baseBranch: "main", result, candidate: result.best! });
    expect(pr).toMatchObject({
      number: 1,
      headBranch: "pitcrew/fix-guard-against-missing-product-in-describecart-skip-the-item",
      author: "pitcrew-bot",
    });
    expect(pr.body).toContain("**Proof**: test/pitcrew-repro-cart-with-a-discontinued-product.test.mjs fails on");
    const diff = await forge.diff(pr);
    expect(diff).toContain("+    if (product == null) return null;");
    expect(diff).toContain("+++ b/test/pitcrew-repro-cart-with-a-discontinued-product.test.mjs");
    expect((await forge.commits(pr)).map((c) => c.author)).toEqual(["pitcrew-bot"]);
  });
});
