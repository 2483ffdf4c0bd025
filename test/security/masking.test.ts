/**
 * Attack: a step prints its secret encoded so a per-line masker misses it — base64 wrapped at 76
 * columns (the secret's encoding split across two lines), at 64 columns, and as hex. None of the
 * stored log lines, nor the lines joined back together, contains the secret in any of its forms.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRepo } from "../support/git-repo.js";
import { HAS_DIST, type ServeProcess, startServe } from "../support/serve-process.js";

const SECRET = "prod-db-password-Zq8#wX!r2026";

describe.skipIf(!HAS_DIST)("masking encoded secrets", () => {
  let s: ServeProcess;
  beforeAll(async () => {
    s = await startServe();
  });
  afterAll(async () => s?.stop());

  it("masks wrapped base64 and hex forms of a secret in a real run", async () => {
    const pipeline = [
      "jobs:",
      "  leak:",
      "    secrets: [DB_PASSWORD]",
      "    steps:",
      // 50 bytes of padding put the secret's encoding across the 76-column wrap.
      `      - run: printf '%s%s' "$(printf 'p%.0s' $(seq 1 50))" "$DB_PASSWORD" | base64 -w 76`,
      `      - run: printf '%s%s' "$(printf 'q%.0s' $(seq 1 40))" "$DB_PASSWORD" | base64 -w 64`,
      `      - run: printf '%s' "$DB_PASSWORD" | od -An -tx1 | tr -d ' \\n'; echo`,
      `      - run: echo "raw $DB_PASSWORD"`,
      "",
    ].join("\n");
    const repo = createRepo({ ".pitcrew/pipeline.yaml": pipeline });
    expect((await s.api("POST", "/api/projects", { body: { name: "leak", repoUrl: repo } })).status).toBe(201);
    expect((await s.api("PUT", "/api/projects/leak/secrets/DB_PASSWORD", { body: { value: SECRET } })).status).toBe(
      204,
    );
    const run = (await s.api("POST", "/api/projects/leak/runs", { body: {} })).body;
    expect((await s.waitForRun(run.id)).status).toBe("success");
    const lines: { step: number; line: string }[] = (await s.api("GET", `/api/runs/${run.id}/logs`)).body.jobs[0].lines;
    const out = (step: number) => lines.filter((l) => l.step === step).map((l) => l.line);

    // The encodings really were split over lines, and were masked.
    expect(out(0).length).toBeGreaterThan(1);
    expect(out(0).join("")).toContain("***");
    expect(out(1).join("")).toContain("***");
    expect(out(2)).toEqual(["***"]);
    expect(out(3)).toEqual(["raw ***"]);

    const hex = Buffer.from(SECRET).toString("hex");
    for (const step of [0, 1, 2, 3]) {
      const joined = out(step).join("");
      expect(joined).not.toContain(SECRET);
      expect(joined.toLowerCase()).not.toContain(hex);
      // Decoding what is left of the base64 never gives the secret back (nor most of it).
      const decoded = Buffer.from(joined.replace(/\*+/g, ""), "base64").toString("latin1");
      expect(decoded).not.toContain(SECRET.slice(3, -3));
    }
  });
});
