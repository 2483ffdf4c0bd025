/**
 * Attack: record one signed push delivery and send it again (same delivery id, or a new id on the
 * same body), or send an old one. Against a real `pitcrew serve`: the replay answers 409
 * `webhook_replayed` and starts nothing; a delivery whose signed `pushed_at` is outside the replay
 * window is refused the same way; a delivery that failed can be redelivered.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commitFiles, createRepo, gitIn } from "../support/git-repo.js";
import { HAS_DIST, type ServeProcess, startServe } from "../support/serve-process.js";
import { sendHook } from "./attack-helpers.js";

const HOOK_SECRET = "hook-secret-0123456789abcdef";

describe.skipIf(!HAS_DIST)("a replayed webhook starts nothing", () => {
  let server: ServeProcess;
  let repo: string;
  const runCount = async () => (await server.api("GET", "/api/runs?limit=100")).body.runs.length as number;
  const pushOf = (after: string, pushedAt = Math.floor(Date.now() / 1000)) => ({
    ref: "refs/heads/main",
    after,
    repository: { pushed_at: pushedAt },
  });

  beforeAll(async () => {
    server = await startServe();
    repo = createRepo({ ".pitcrew/pipeline.yaml": "jobs:\n  a:\n    steps:\n      - run: echo hi\n" });
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

  it("refuses the same delivery id twice", async () => {
    const payload = pushOf(gitIn(repo, "rev-parse", "HEAD"));
    const id = randomUUID();
    const first = await sendHook(server, "app", HOOK_SECRET, "push", payload, id);
    expect(first.status).toBe(201);
    const before = await runCount();
    const replay = await sendHook(server, "app", HOOK_SECRET, "push", payload, id);
    expect(replay.status).toBe(409);
    expect(replay.body.error.code).toBe("webhook_replayed");
    expect(await runCount()).toBe(before);
  }, 60_000);

  it("refuses a signed body sent again without a delivery id", async () => {
    const sha = commitFiles(repo, { a: "1" }, "a");
    const raw = JSON.stringify(pushOf(sha));
    const { signGitHubPayload } = await import("../../src/forge/index.js");
    const send = () =>
      fetch(`${server.base}/api/hooks/app`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-github-event": "push",
          "x-hub-signature-256": signGitHubPayload(raw, HOOK_SECRET),
        },
        body: raw,
      });
    expect((await send()).status).toBe(201);
    const before = await runCount();
    expect((await send()).status).toBe(409);
    expect(await runCount()).toBe(before);
  }, 60_000);

  it("refuses a delivery signed outside the replay window, whatever its id", async () => {
    const sha = commitFiles(repo, { b: "1" }, "b");
    const before = await runCount();
    const old = await sendHook(
      server,
      "app",
      HOOK_SECRET,
      "push",
      pushOf(sha, Math.floor(Date.now() / 1000) - 3 * 86_400),
    );
    expect(old.status).toBe(409);
    expect(old.body.error.message).toMatch(/outside the replay window/);
    expect(await runCount()).toBe(before);
  }, 60_000);

  it("accepts the redelivery of a delivery that failed", async () => {
    const id = randomUUID();
    const missing = "0123456789abcdef0123456789abcdef01234567";
    const failed = await sendHook(server, "app", HOOK_SECRET, "push", pushOf(missing), id);
    expect(failed.status).toBe(404); // the commit is not in the repository (yet)
    const again = await sendHook(server, "app", HOOK_SECRET, "push", pushOf(missing), id);
    expect(again.status).toBe(404); // not 409: the failed delivery was not remembered
  }, 60_000);
});
