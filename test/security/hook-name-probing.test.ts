/**
 * Attack: probe `/api/hooks/<name>` to learn which projects exist. Against a real `pitcrew serve`:
 * an unknown name, a project without a webhook secret and a known project with a wrong signature
 * all get the same 401 with the same body.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRepo } from "../support/git-repo.js";
import { HAS_DIST, type ServeProcess, startServe } from "../support/serve-process.js";
import { sendHook } from "./attack-helpers.js";

describe.skipIf(!HAS_DIST)("hook names do not reveal which projects exist", () => {
  let server: ServeProcess;

  beforeAll(async () => {
    server = await startServe();
    const repo = createRepo({ ".pitcrew/pipeline.yaml": "jobs:\n  a:\n    steps:\n      - run: echo hi\n" });
    const secret = "hook-secret-0123456789abcdef";
    expect(
      (await server.api("POST", "/api/projects", { body: { name: "payments", repoUrl: repo, webhookSecret: secret } }))
        .status,
    ).toBe(201);
    expect((await server.api("POST", "/api/projects", { body: { name: "no-hook", repoUrl: repo } })).status).toBe(201);
  }, 120_000);
  afterAll(async () => server?.stop());

  it("answers unknown, secret-less and known names alike", async () => {
    const payload = { ref: "refs/heads/main", after: "0".repeat(40) };
    const answers = await Promise.all(
      ["payments", "no-hook", "does-not-exist", "1", "999"].map((name) =>
        sendHook(server, name, "a-guessed-secret-0123456789", "push", payload),
      ),
    );
    for (const a of answers) expect(a).toEqual(answers[0]);
    expect(answers[0]!.status).toBe(401);
    const unsigned = await Promise.all(
      ["payments", "does-not-exist"].map(async (name) => {
        const res = await fetch(`${server.base}/api/hooks/${name}`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-github-event": "push" },
          body: JSON.stringify(payload),
        });
        return { status: res.status, body: await res.text() };
      }),
    );
    expect(unsigned[0]).toEqual(unsigned[1]);
  }, 60_000);
});
