/**
 * The server's test advice at a commit (an agent job's `tests:` step) ends at its deadline in the
 * selection phase too, not only in the checkout (a real app, store and git): when the project's
 * mirror hangs once the checkout is made (its `objects/info/alternates` made a FIFO no one writes:
 * every git that reads the mirror blocks in open()), the selector's git calls are killed at the
 * deadline, so the checkout is removed and its slot given back then, not after git's 10-minute
 * default. And checkouts a killed server left in `<data_dir>/test-advice/` are removed when the
 * runner starts.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Config } from "../../src/common/config/config-schema.js";
import {
  adviseAtCommit,
  MAX_CONCURRENT_CHECKOUTS,
  mirrorDir,
  type ReleaseCheckoutSlot,
  type RunnerDeps,
  startWorkers,
  triggerRun,
  tryCheckoutSlot,
} from "../../src/runner/index.js";
import { ChangeTestSelector, withFallback, createHistorySelector } from "../../src/testintel/index.js";
import { SelectionDeadlineError } from "../../src/testintel/select/deadline.js";
import { createRepo, gitIn } from "../support/git-repo.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

const PIPELINE = `jobs:
  test:
    steps:
      - name: unit tests
        tests:
          framework: node-test
          select: select
          files: "test/*.test.mjs"
`;

const FILES = ["test/a.test.mjs", "test/b.test.mjs"];

/** The server runs no job itself: agents do. */
function agentsOnly(c: Config): void {
  c.runner.local = false;
}

/** Makes every git that reads `mirror`'s objects block (until the FIFO is removed). */
function hang(mirror: string): void {
  const fifo = join(mirror, "objects", "info", "alternates");
  rmSync(fifo, { force: true });
  execFileSync("mkfifo", [fifo]);
}

describe("test advice at a commit ends at its deadline", () => {
  let t: TestApp | undefined;
  const slots: ReleaseCheckoutSlot[] = [];
  afterEach(async () => {
    for (const release of slots.splice(0)) release();
    await t?.dispose();
    t = undefined;
  });

  async function setUp() {
    t = await startTestApp({ configure: agentsOnly });
    const { app } = t;
    const repo = createRepo({
      ".pitcrew/pipeline.yaml": PIPELINE,
      "test/a.test.mjs": "import test from 'node:test';\ntest('a', () => {});\n",
      "test/b.test.mjs": "import test from 'node:test';\ntest('b', () => {});\n",
    });
    const project = await app.store.projects.create({ name: "deadline", repoUrl: repo, sandbox: false });
    const { run } = await triggerRun(app.runner, project.id, { event: "manual", triggeredBy: "test" });
    if (!run) throw new Error("no run");
    return { app, project, run, repo, mirror: mirrorDir(app.runner.dataDir, project.id) };
  }

  it("kills the selection's hung git at the deadline: the checkout goes and every slot is free again", async () => {
    const { app, project, run, mirror } = await setUp();
    let selecting = false;
    // the real selector, with the mirror made to hang once the checkout is done
    const deps: RunnerDeps = {
      ...app.runner,
      tests: {
        ...app.runner.tests,
        selector: {
          select: (req) => {
            selecting = true;
            hang(mirror);
            return app.runner.tests.selector.select(req);
          },
        },
      },
    };
    const req = { step: 0, mode: "select" as const, testFiles: FILES };
    const { advice, fallback } = await adviseAtCommit(deps, project, run, "test", req, {
      slotWaitMs: 1_000,
      deadlineMs: 2_000,
    });
    expect(selecting).toBe(true);
    expect(fallback).toBe("the checkout and selection took over 2000 ms");
    expect(advice.run.sort()).toEqual(FILES);
    // every slot comes back once the killed git's selection has removed its checkout (polled, bounded)
    for (let i = 0; i < MAX_CONCURRENT_CHECKOUTS; i++) {
      let slot = tryCheckoutSlot();
      for (let n = 0; !slot && n < 100; n++) {
        await new Promise((r) => setTimeout(r, 50));
        slot = tryCheckoutSlot();
      }
      expect(slot).toBeDefined();
      slots.push(slot!);
    }
    const checkouts = join(app.runner.dataDir, "test-advice");
    expect(existsSync(checkouts) ? readdirSync(checkouts) : []).toEqual([]);
  }, 60_000);

  it("the change-based selector throws at its deadline instead of waiting on git, and its fallback does not take over", async () => {
    const repo = createRepo({ "src/a.mjs": "export const a = 1;\n", "test/a.test.mjs": "import '../src/a.mjs';\n" });
    const base = gitIn(repo, "rev-parse", "HEAD");
    writeFileSync(join(repo, "src/a.mjs"), "export const a = 2;\n");
    gitIn(repo, "commit", "--quiet", "-am", "change");
    const commit = gitIn(repo, "rev-parse", "HEAD");
    const gitDir = join(repo, ".git");
    mkdirSync(join(gitDir, "objects", "info"), { recursive: true });
    hang(gitDir);
    const request = {
      project: "p",
      repoDir: repo,
      gitDir,
      commit,
      baseCommit: base,
      testFiles: ["test/a.test.mjs"],
      mode: "select" as const,
    };
    t = await startTestApp();
    const selector = withFallback(new ChangeTestSelector(t.app.store), createHistorySelector(t.app.store));
    await expect(selector.select({ ...request, deadline: Date.now() + 500 })).rejects.toBeInstanceOf(
      SelectionDeadlineError,
    );
    // a deadline already passed starts no git at all
    await expect(new ChangeTestSelector().select({ ...request, deadline: Date.now() - 1 })).rejects.toBeInstanceOf(
      SelectionDeadlineError,
    );
  }, 60_000);

  it("removes the checkouts a killed server left in <data_dir>/test-advice/ when the runner starts", async () => {
    t = await startTestApp({ configure: agentsOnly });
    const left = join(t.dataDir, "test-advice", "7-AbCdEf", "repo");
    mkdirSync(join(left, "src"), { recursive: true });
    writeFileSync(join(left, "src", "a.mjs"), "export {};\n");
    // a replica sharing the store with others sweeps its own data dir too
    await startWorkers(t.app.runner, { sharedWithReplicas: true });
    expect(existsSync(join(t.dataDir, "test-advice"))).toBe(false);
  }, 60_000);
});
