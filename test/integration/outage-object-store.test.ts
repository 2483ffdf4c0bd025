/**
 * The S3-compatible object store (a private s3rver) going away and coming back under a real
 * `pitcrew serve` whose artifacts live there: while a job runs, the store is killed with SIGKILL
 * (or frozen with SIGSTOP) and brought back on the same port and directory a few seconds later.
 * Nothing is lost (the job's artifacts are stored once the store is back, its log whole), the
 * job runs once, and while the store is away `/healthz` and an artifact download say so (503).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRepo } from "../support/git-repo.js";
import { type S3Server, startS3Server } from "../support/s3-server.js";
import { HAS_DIST, type ServeProcess, startServe, until } from "../support/serve-process.js";

const LINES = 20;
/** Away this long: the job reaches its artifacts meanwhile (its steps take about 2 s). */
const AWAY_MS = 8000;

const pipeline = [
  "jobs:",
  "  build:",
  "    artifacts: [out/**]",
  "    steps:",
  `      - run: for i in $(seq 1 ${LINES}); do echo "line $i"; sleep 0.1; done`,
  '      - run: mkdir -p out && echo "artifact one" > out/one.txt && head -c 200000 /dev/zero | tr "\\0" x > out/big.txt',
  "",
].join("\n");

describe.skipIf(!HAS_DIST)("the object store going away and coming back", () => {
  let s3: S3Server;
  let serve: ServeProcess;
  let earlier: number;
  beforeAll(async () => {
    s3 = await startS3Server();
    serve = await startServe({ storage: s3.storageConfig() });
    const repo = createRepo({ ".pitcrew/pipeline.yaml": pipeline });
    expect(
      (await serve.api("POST", "/api/projects", { body: { name: "arts", repoUrl: repo, sandbox: false } })).status,
    ).toBe(201);
    earlier = (await serve.api("POST", "/api/projects/arts/runs", { body: {} })).body.id;
    expect((await serve.waitForRun(earlier, 60_000)).status).toBe("success");
  }, 90_000);
  afterAll(async () => {
    await serve?.stop();
    await s3?.stop();
  });

  const download = (runId: number, path: string) =>
    fetch(`${serve.base}/api/runs/${runId}/artifacts/${path}`, { headers: { authorization: `Bearer ${serve.token}` } });
  const logOf = async (runId: number) =>
    ((await serve.api("GET", `/api/runs/${runId}/logs`)).body.jobs[0]?.lines ?? []) as {
      stream: string;
      line: string;
    }[];

  async function outage(signal: NodeJS.Signals) {
    const run = (await serve.api("POST", "/api/projects/arts/runs", { body: {} })).body;
    await until(async () => (await logOf(run.id)).some((l) => l.line === "line 1"), 30_000, "the job's first line");
    let health: any;
    let anonymous: any;
    let refused: { status: number; body: any } | undefined;
    await s3.signal(signal);
    const back = Date.now() + AWAY_MS;
    try {
      // a health answer is reused a few seconds (common/health.ts): it says so within them
      health = await until(
        async () => {
          const h = (await serve.api("GET", "/healthz")).body;
          return h?.storage?.ok === false ? h : undefined;
        },
        AWAY_MS,
        "/healthz to report the store unusable",
      ).catch(async () => (await serve.api("GET", "/healthz")).body);
      anonymous = await (await fetch(`${serve.base}/healthz`)).json();
      if (signal === "SIGKILL") {
        const res = await download(earlier, "out/one.txt");
        refused = { status: res.status, body: await res.json() };
        // the job reached its artifacts while the store was away, and said so
        await until(
          async () => (await logOf(run.id)).some((l) => /artifacts: the s3 store failed .*retrying/.test(l.line)),
          AWAY_MS,
          "the job to retry its artifacts",
        );
      }
      await new Promise((r) => setTimeout(r, Math.max(0, back - Date.now())));
    } finally {
      await s3.revive();
    }
    const done = await serve.waitForRun(run.id, 60_000);
    expect(done.status).toBe("success");
    expect(done.jobs.map((j: any) => [j.status, j.attempt])).toEqual([["success", 1]]);
    // nothing lost: the artifacts and every line
    const listed = (await serve.api("GET", `/api/runs/${run.id}/artifacts`)).body.artifacts.map((a: any) => a.path);
    expect(listed.sort()).toEqual(["out/big.txt", "out/one.txt"]);
    expect(await (await download(run.id, "out/one.txt")).text()).toBe("artifact one\n");
    expect((await (await download(run.id, "out/big.txt")).text()).length).toBe(200_000);
    const lines = await logOf(run.id);
    const out = lines.filter((l) => l.stream !== "system").map((l) => l.line);
    expect(out).toEqual(Array.from({ length: LINES }, (_, i) => `line ${i + 1}`));
    expect(lines.some((l) => /artifacts: 2 file\(s\) stored/.test(l.line))).toBe(true);
    // said while away, healthy again after
    expect(health).toMatchObject({ ok: false, storage: { driver: "s3", ok: false } });
    expect(health.storage.error).toMatch(/object store bucket 'pitcrew-test' at http:\/\/127\.0\.0\.1:\d+/);
    if (refused) {
      expect(refused.status).toBe(503);
      expect(refused.body.error).toMatchObject({ code: "unavailable" });
      expect(refused.body.error.message).toMatch(/object store bucket/);
    }
    // without a token: which part is away, but not where it lives
    expect(anonymous).toMatchObject({ ok: false, storage: { driver: "s3", ok: false } });
    expect(JSON.stringify(anonymous)).not.toMatch(/127\.0\.0\.1|pitcrew-test|bucket/);
    // a health answer is reused a few seconds (common/health.ts): healthy again shortly after
    await until(
      async () => (await serve.api("GET", "/healthz")).body?.storage?.ok === true,
      10_000,
      "/healthz to say the store is back",
    );
  }

  it("stores a running job's artifacts once s3rver, killed with SIGKILL, is back", () => outage("SIGKILL"), 90_000);

  it("stores them once s3rver, frozen with SIGSTOP, is thawed", () => outage("SIGSTOP"), 90_000);
});
