/**
 * Attack: a pull request plants a script in the cache key `deps` that `main` restores and runs.
 * Against a real `pitcrew serve`: the PR's save lands in its own scope and the next push to `main`
 * does not restore it; neither does it restore what a feature-branch push saved; a fork's run may
 * read but not write; and a trusted run on `main` replaces the entry under its key.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commitFiles, createRepo, gitIn } from "../support/git-repo.js";
import { HAS_DIST, type ServeProcess, startServe } from "../support/serve-process.js";
import { finishedRun, forkPullRequest, prPayload, sendHook } from "./attack-helpers.js";

const HOOK_SECRET = "hook-secret-0123456789abcdef";
const PIPELINE = `on: { push: {}, pull_request: {} }
jobs:
  build:
    cache: { key: deps, paths: [deps] }
    steps:
      - run: sh build.sh
`;
/** Runs what the cache restored, then writes this commit's own `deps/setup.sh`. */
const BUILD = `if [ -f deps/setup.sh ]; then sh deps/setup.sh; fi
mkdir -p deps
echo "echo deps-from-$(cat version)" > deps/setup.sh
`;
const PLANT = `mkdir -p deps
echo "echo POISONED-CACHE-EXECUTED" > deps/setup.sh
`;

describe.skipIf(!HAS_DIST)("a pull request cannot poison main's cache", () => {
  let server: ServeProcess;
  let repo: string;

  const push = async (branch: string) => {
    const after = gitIn(repo, "rev-parse", branch);
    const res = await sendHook(server, "app", HOOK_SECRET, "push", {
      ref: `refs/heads/${branch}`,
      after,
      repository: { pushed_at: Math.floor(Date.now() / 1000) },
    });
    expect(res.status).toBe(201);
    return finishedRun(server, res.body.runId);
  };
  const onMain = async (version: string) => {
    commitFiles(repo, { version }, `version ${version}`);
    return push("main");
  };

  beforeAll(async () => {
    server = await startServe();
    repo = createRepo({ ".pitcrew/pipeline.yaml": PIPELINE, "build.sh": BUILD, version: "1" });
    const created = await server.api("POST", "/api/projects", {
      body: {
        name: "app",
        repoUrl: repo,
        webhookSecret: HOOK_SECRET,
      },
    });
    expect(created.status).toBe(201);
  }, 120_000);
  afterAll(async () => server?.stop());

  it("lets a trusted run on main replace the entry under its key", async () => {
    const first = await push("main");
    expect(first).toMatchObject({ status: "success", trust: "protected" });
    expect(first.log).toContain("cache saved: deps");
    expect((await onMain("2")).log).toContain("deps-from-1");
    expect((await onMain("3")).log).toContain("deps-from-2"); // first-writer-wins would still say 1
  }, 180_000);

  it("does not restore on main what a pull request saved under the same key", async () => {
    gitIn(repo, "checkout", "--quiet", "-b", "evil");
    const sha = commitFiles(repo, { "build.sh": PLANT }, "faster builds");
    gitIn(repo, "checkout", "--quiet", "main");
    const pr = await sendHook(
      server,
      "app",
      HOOK_SECRET,
      "pull_request",
      prPayload({ number: 5, head: "evil", sha, base: "main" }),
    );
    expect(pr.status).toBe(201);
    const prRun = await finishedRun(server, pr.body.runId);
    expect(prRun.trust).toBe("pull_request");
    expect(prRun.log).toContain("cache saved: deps"); // the planted entry exists …
    const main = await onMain("4");
    expect(main.log).not.toContain("POISONED-CACHE-EXECUTED"); // … and main does not run it
    expect(main.log).toContain("deps-from-3");
    const again = await sendHook(
      server,
      "app",
      HOOK_SECRET,
      "pull_request",
      prPayload({ number: 5, head: "evil", sha, base: "main" }),
    );
    expect((await finishedRun(server, again.body.runId)).log).toContain("restored deps (scope pr:evil)"); // its own scope
  }, 180_000);

  it("does not restore on main what a feature branch push saved", async () => {
    gitIn(repo, "checkout", "--quiet", "-b", "feature");
    commitFiles(repo, { "build.sh": PLANT }, "feature work");
    const feature = await push("feature");
    expect(feature).toMatchObject({ status: "success", trust: "branch" });
    expect(feature.log).toContain("cache saved: deps");
    gitIn(repo, "checkout", "--quiet", "main");
    const main = await onMain("5");
    expect(main.log).not.toContain("POISONED-CACHE-EXECUTED");
    expect(main.log).toContain("deps-from-4");
  }, 180_000);

  it("gives a fork's pull request a read-only cache", async () => {
    const sha = forkPullRequest(repo, 6, "main", {
      "build.sh": `if [ -f deps/setup.sh ]; then sh deps/setup.sh; fi\n${PLANT}`,
    });
    const res = await sendHook(
      server,
      "app",
      HOOK_SECRET,
      "pull_request",
      prPayload({ number: 6, head: "main", sha, base: "main", fork: true }),
    );
    const run = await finishedRun(server, res.body.runId);
    expect(run.trust).toBe("fork");
    expect(run.log).toContain("deps-from-5"); // it may read main's cache
    expect(run.log).toContain("cache not saved");
    expect((await onMain("6")).log).toContain("deps-from-5");
  }, 180_000);
});
