/**
 * Attack: a pull request tries to get the project's secret. Its branch rewrites the pipeline
 * (adds `on: pull_request` and `secrets: [DEPLOY_KEY]`) and the script the base pipeline runs,
 * printing the secret reversed and base64-encoded (what masking would not catch). Against a real
 * `pitcrew serve`: the run uses the BASE branch's pipeline, gets no secret (same repository or
 * fork), and only a project that trusts pull requests hands it to a same-repository PR.
 */
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commitFiles, createRepo, gitIn } from "../support/git-repo.js";
import { HAS_DIST, type ServeProcess, startServe } from "../support/serve-process.js";
import { finishedRun, forkPullRequest, prPayload, sendHook } from "./attack-helpers.js";

const SECRET = "s3cr3t-deploy-key-7f1c9a";
const HOOK_SECRET = "hook-secret-0123456789abcdef";
const reversed = [...SECRET].reverse().join("");
const base64 = Buffer.from(SECRET).toString("base64");

/** main: PRs run `sh ci.sh` with DEPLOY_KEY (the project's own use of its secret). */
const BASE_PIPELINE = `on: { push: {}, pull_request: {} }
jobs:
  test:
    secrets: [DEPLOY_KEY]
    steps:
      - run: sh ci.sh
`;
/** What the attacker's branch puts in its pipeline file: its own step printing the secret. */
const HEAD_PIPELINE = `on: { push: {}, pull_request: {} }
jobs:
  exfiltrate:
    secrets: [DEPLOY_KEY]
    steps:
      - run: echo "head-pipeline-ran"; echo "$DEPLOY_KEY" | rev; printf %s "$DEPLOY_KEY" | base64
`;
const EXFIL_SCRIPT = `echo "head-code-ran"
printf %s "$DEPLOY_KEY" | rev; echo
printf %s "$DEPLOY_KEY" | base64
`;

describe.skipIf(!HAS_DIST)("a pull request cannot read the project's secrets", () => {
  let server: ServeProcess;
  let repo: string;

  beforeAll(async () => {
    server = await startServe();
    repo = createRepo({ ".pitcrew/pipeline.yaml": BASE_PIPELINE, "ci.sh": 'echo "tests pass"\n' });
    const created = await server.api("POST", "/api/projects", {
      body: {
        name: "app",
        repoUrl: repo,
        webhookSecret: HOOK_SECRET,
      },
    });
    expect(created.status).toBe(201);
    expect((await server.api("PUT", "/api/projects/app/secrets/DEPLOY_KEY", { body: { value: SECRET } })).status).toBe(
      204,
    );
    gitIn(repo, "checkout", "--quiet", "-b", "evil");
    commitFiles(repo, { ".pitcrew/pipeline.yaml": HEAD_PIPELINE, "ci.sh": EXFIL_SCRIPT }, "innocent change");
    gitIn(repo, "checkout", "--quiet", "main");
  }, 120_000);
  afterAll(async () => server?.stop());

  const leaked = (log: string) => log.includes(SECRET) || log.includes(reversed) || log.includes(base64);

  it("runs the base branch's pipeline with no secret for a same-repository pull request", async () => {
    const sha = gitIn(repo, "rev-parse", "evil");
    const res = await sendHook(
      server,
      "app",
      HOOK_SECRET,
      "pull_request",
      prPayload({ number: 1, head: "evil", sha, base: "main" }),
    );
    expect(res.status).toBe(201);
    const run = await finishedRun(server, res.body.runId);
    expect(run.trust).toBe("pull_request");
    expect(run.log).toContain("head-code-ran"); // the head's code ran (it is what is tested) …
    expect(run.log).not.toContain("head-pipeline-ran"); // … under the base's pipeline, not its own
    expect(run.log).toMatch(/secrets withheld \(DEPLOY_KEY\)/);
    expect(leaked(run.log)).toBe(false);
  }, 120_000);

  it("runs a fork's pull request (head fetched from refs/pull/N/head) with no secret", async () => {
    const sha = forkPullRequest(repo, 2, "main", { ".pitcrew/pipeline.yaml": HEAD_PIPELINE, "ci.sh": EXFIL_SCRIPT });
    const res = await sendHook(
      server,
      "app",
      HOOK_SECRET,
      "pull_request",
      prPayload({ number: 2, head: "main", sha, base: "main", fork: true }),
    );
    expect(res.status).toBe(201);
    const run = await finishedRun(server, res.body.runId);
    expect(run.trust).toBe("fork");
    expect(run.log).toContain("head-code-ran");
    expect(leaked(run.log)).toBe(false);
  }, 120_000);

  it("gives the secret to a same-repository pull request only once the project trusts them; forks never", async () => {
    expect((await server.api("PATCH", "/api/projects/app", { body: { trustPullRequests: true } })).status).toBe(200);
    const sha = gitIn(repo, "rev-parse", "evil");
    const same = await sendHook(
      server,
      "app",
      HOOK_SECRET,
      "pull_request",
      prPayload({ number: 1, head: "evil", sha, base: "main" }),
    );
    expect(same.status).toBe(201);
    expect((await finishedRun(server, same.body.runId)).log).toContain(reversed); // the control: delivery works
    const forkSha = execFileSync("git", ["rev-parse", "refs/pull/2/head"], { cwd: repo, encoding: "utf8" }).trim();
    const fork = await sendHook(
      server,
      "app",
      HOOK_SECRET,
      "pull_request",
      prPayload({ number: 2, head: "main", sha: forkSha, base: "main", fork: true }),
    );
    expect(fork.status).toBe(201);
    expect(leaked((await finishedRun(server, fork.body.runId)).log)).toBe(false);
    expect((await server.api("PATCH", "/api/projects/app", { body: { trustPullRequests: false } })).status).toBe(200);
  }, 180_000);
});
