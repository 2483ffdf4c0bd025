/**
 * Attacks: a YAML "billion laughs" pipeline and a 4.9 MB pipeline with 200,000 steps. `pitcrew
 * lint` reports each as a positioned diagnostic (text and --json), and pushed to a real server
 * (webhook and API) each is refused with a 4xx carrying the diagnostic: no run, no 500, no freeze.
 */
import { execFile } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commitFiles, createRepo } from "../support/git-repo.js";
import { HAS_DIST, type ServeProcess, startServe } from "../support/serve-process.js";

const BIN = resolve(import.meta.dirname, "../../bin/pitcrew.js");
const SECRET = "hook-secret-for-the-bomb-test";

/** Nine levels of nine aliases each: 9^9 ≈ 387 million strings once expanded. */
const BOMB = [
  'l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...Array.from({ length: 8 }, (_, i) => `l${i + 1}: &l${i + 1} [${Array(9).fill(`*l${i}`).join(",")}]`),
  "jobs:",
  "  build:",
  "    steps:",
  "      - run: echo hi",
  "",
].join("\n");

/** 200,000 steps, about 4.9 MB. */
const HUGE = `jobs:\n  build:\n    steps:\n${"      - run: echo 12345\n".repeat(200_000)}`;

async function lint(file: string, json = false) {
  const args = [BIN, "lint", file, ...(json ? ["--json"] : [])];
  return promisify(execFile)(process.execPath, args, { encoding: "utf8" }).then(
    (r) => ({ code: 0, out: r.stdout }),
    (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
  );
}

describe.skipIf(!HAS_DIST)("pipeline bombs", { timeout: 60_000 }, () => {
  let s: ServeProcess;
  const dir = mkdtempSync(join(tmpdir(), "pitcrew-bomb-"));
  beforeAll(async () => {
    s = await startServe();
    writeFileSync(join(dir, "bomb.yaml"), BOMB);
    writeFileSync(join(dir, "huge.yaml"), HUGE);
  });
  afterAll(async () => s?.stop());

  it("lint reports the alias bomb at its first alias, in text and JSON", async () => {
    const text = await lint(join(dir, "bomb.yaml"));
    expect(text.code).toBe(1);
    expect(text.out).toMatch(/bomb\.yaml:2:\d+: error\[yaml-alias-limit\]: aliases expand past the limit of 100/);
    const json = await lint(join(dir, "bomb.yaml"), true);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.out);
    expect(report.ok).toBe(false);
    expect(report.diagnostics).toEqual([
      expect.objectContaining({ severity: "error", code: "yaml-alias-limit", line: 2, column: expect.any(Number) }),
    ]);
  });

  it("lint refuses the 200,000-step pipeline by size, pointing where the limit is crossed", async () => {
    expect(HUGE.length).toBeGreaterThan(4_800_000);
    const json = await lint(join(dir, "huge.yaml"), true);
    expect(json.code).toBe(1);
    const [d] = JSON.parse(json.out).diagnostics;
    expect(d).toMatchObject({ code: "pipeline-too-large", line: HUGE.slice(0, 512 * 1024).split("\n").length });
  });

  it("lint counts steps in a pipeline under the size limit", async () => {
    const many = `jobs:\n  build:\n    steps:\n${"      - run: echo 1\n".repeat(2500)}`;
    writeFileSync(join(dir, "many.yaml"), many);
    const [d] = JSON.parse((await lint(join(dir, "many.yaml"), true)).out).diagnostics;
    expect(d).toMatchObject({ code: "too-many-steps", path: "jobs.build.steps[2000]", line: 2004 });
  });

  it("a pushed alias bomb gets 400 with the diagnostic from the webhook, and no run", async () => {
    const repo = createRepo({ ".pitcrew/pipeline.yaml": "jobs:\n  ok:\n    steps:\n      - run: echo ok\n" });
    const created = await s.api("POST", "/api/projects", {
      body: { name: "bomb", repoUrl: repo, webhookSecret: SECRET },
    });
    expect(created.status).toBe(201);
    const sha = commitFiles(repo, { ".pitcrew/pipeline.yaml": BOMB }, "bomb");
    const payload = JSON.stringify({ ref: "refs/heads/main", before: "0".repeat(40), after: sha });
    const res = await s.api("POST", "/api/hooks/bomb", {
      token: null,
      body: payload,
      headers: {
        "x-github-event": "push",
        "x-github-delivery": randomUUID(),
        "x-hub-signature-256": `sha256=${createHmac("sha256", SECRET).update(payload).digest("hex")}`,
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details.diagnostics[0]).toMatchObject({ code: "yaml-alias-limit", line: 2 });
    expect((await s.api("GET", "/api/runs?project=bomb")).body.runs).toEqual([]);
  });

  it("the 200,000-step pipeline is refused by the API quickly, without reading it whole", async () => {
    const repo = createRepo({ ".pitcrew/pipeline.yaml": HUGE });
    expect((await s.api("POST", "/api/projects", { body: { name: "huge", repoUrl: repo } })).status).toBe(201);
    const before = s.memory().rss;
    const started = Date.now();
    const res = await s.api("POST", "/api/projects/huge/runs", { body: {} });
    const tookMs = Date.now() - started;
    expect(res.status).toBe(400);
    expect(res.body.error.details.diagnostics[0]).toMatchObject({ code: "pipeline-too-large" });
    expect(res.body.error.message).toMatch(/limits\.pipeline\.max_bytes/);
    expect((await s.api("GET", "/api/runs?project=huge")).body.runs).toEqual([]);
    // Generous bounds (a shared CI machine): the unbounded server took 5.6 s and 1 GB.
    expect(tookMs).toBeLessThan(3000);
    expect(s.memory().rss - before).toBeLessThan(100 * 1024 * 1024);
    expect((await s.api("GET", "/healthz", { token: null })).status).toBe(200);
  });
});
