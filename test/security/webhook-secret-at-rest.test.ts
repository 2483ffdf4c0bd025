/**
 * Attack: read a project's webhook secret from a copy of the database (then forge signed pushes).
 * Against a real `pitcrew serve`: the row holds only the sealed secret; a row left in plain text by
 * an older version is sealed at the next start, and webhooks signed with it still work.
 */
import Database from "better-sqlite3";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createRepo, gitIn } from "../support/git-repo.js";
import { HAS_DIST, type ServeProcess, startServe } from "../support/serve-process.js";
import { sendHook } from "./attack-helpers.js";

const SECRET = "plain-hook-secret-4b1d9e07c2";

describe.skipIf(!HAS_DIST)("webhook secrets are encrypted at rest", () => {
  let server: ServeProcess | undefined;
  afterAll(async () => server?.stop());
  const row = (dataDir: string) => {
    const db = new Database(join(dataDir, "data", "pitcrew.db"), { readonly: true });
    try {
      return db.prepare("SELECT webhook_secret, webhook_secret_enc FROM projects WHERE name = 'app'").get() as {
        webhook_secret: string | null;
        webhook_secret_enc: string | null;
      };
    } finally {
      db.close();
    }
  };

  it("stores only the sealed secret, and seals plain rows of older versions at start", async () => {
    const first = await startServe();
    server = first;
    const repo = createRepo({ ".pitcrew/pipeline.yaml": "jobs:\n  a:\n    steps:\n      - run: echo hi\n" });
    expect(
      (await first.api("POST", "/api/projects", { body: { name: "app", repoUrl: repo, webhookSecret: SECRET } }))
        .status,
    ).toBe(201);
    const sealed = row(first.dataDir);
    expect(sealed.webhook_secret).toBeNull();
    expect(sealed.webhook_secret_enc).toBeTruthy();
    expect(sealed.webhook_secret_enc).not.toContain(SECRET);
    expect(Buffer.from(sealed.webhook_secret_enc!, "base64").toString("latin1")).not.toContain(SECRET);

    const { dataDir, token } = first;
    await first.stop({ keepData: true });
    const db = new Database(join(dataDir, "data", "pitcrew.db"));
    db.prepare("UPDATE projects SET webhook_secret = ?, webhook_secret_enc = NULL WHERE name = 'app'").run(SECRET);
    db.close();
    const second = await startServe({}, { dataDir, token });
    server = second;
    const migrated = row(dataDir);
    expect(migrated.webhook_secret).toBeNull();
    expect(migrated.webhook_secret_enc).not.toContain(SECRET);
    const push = { ref: "refs/heads/main", after: gitIn(repo, "rev-parse", "HEAD") };
    expect((await sendHook(second, "app", SECRET, "push", push)).status).toBe(201);
  }, 180_000);
});
