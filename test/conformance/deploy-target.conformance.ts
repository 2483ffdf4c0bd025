/**
 * One conformance suite for every DeployTarget (DESIGN.md §3), with real services: a small
 * node:http program written to a temp dir whose behaviour is chosen by env `MODE`
 * (ok | crash | never-ready | ignore-term). A Kubernetes target runs it with an image that
 * runs the same program; the suite only needs `serviceCommand` to say how to start it.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type DeployTarget, type ReleaseSpec, readyUpstreams } from "../../src/deploy/targets/deploy-target.js";

/** The test service: answers `/ready`, `/healthz`, `/` with its pid. */
export const SERVICE_SOURCE = `
const http = require("node:http");
const mode = process.env.MODE ?? "ok";
console.log("booting " + mode);
console.error("stderr line");
if (mode === "crash") setTimeout(() => process.exit(3), 150);
if (mode === "ignore-term") process.on("SIGTERM", () => console.log("ignoring SIGTERM"));
http.createServer((req, res) => {
  if (req.url === "/ready" && mode === "never-ready") { res.statusCode = 503; return res.end(); }
  res.end(String(process.pid));
}).listen(Number(process.env.PORT), "127.0.0.1");
`;

/** Runs the deploy-target contract against targets from `make` (fast supervision timings). */
export function runDeployTargetConformance(
  name: string,
  make: (opts: { onLine: (l: { stream: string; text: string }) => void; readyTimeoutMs: number }) => DeployTarget,
) {
  describe(`DeployTarget conformance: ${name}`, () => {
    const dir = mkdtempSync(join(tmpdir(), "pitcrew-target-"));
    writeFileSync(join(dir, "service.cjs"), SERVICE_SOURCE);
    const lines: { stream: string; text: string }[] = [];
    const target = make({ onLine: (l) => lines.push(l), readyTimeoutMs: 3000 });
    afterAll(async () => {
      await target.close();
      rmSync(dir, { recursive: true, force: true });
    });
    let n = 0;
    const spec = (mode: string, replicas = 2): ReleaseSpec => ({
      id: `r${++n}-${mode}`,
      command: [process.execPath, "service.cjs"],
      env: { MODE: mode },
      cwd: dir,
      replicas,
      health: { readinessPath: "/ready", livenessPath: "/healthz" },
    });
    const get = async (address: string) => (await fetch(`http://${address}/`)).text();

    it("starts replicas on distinct ports, ready and answering, and captures output", async () => {
      const status = await target.start(spec("ok"));
      expect(status.replicas).toHaveLength(2);
      expect(new Set(readyUpstreams(status)).size).toBe(2);
      for (const r of status.replicas) {
        expect(r.state).toBe("ready");
        expect(await get(r.address)).toMatch(/^\d+$/);
      }
      expect(lines).toContainEqual(expect.objectContaining({ stream: "stdout", text: "booting ok" }));
      expect(lines).toContainEqual(expect.objectContaining({ stream: "stderr", text: "stderr line" }));
      await target.stop(status.releaseId, { drainMs: 1000 });
      expect((await target.status()).some((s) => s.releaseId === status.releaseId)).toBe(false);
      await expect(fetch(`http://${status.replicas[0]?.address}/`)).rejects.toThrow();
    });

    it("rejects a release that never gets ready and leaves nothing running", async () => {
      const s = spec("never-ready", 1);
      await expect(target.start(s)).rejects.toMatchObject({ name: "ReleaseFailedError" });
      expect((await target.status()).some((r) => r.releaseId === s.id)).toBe(false);
    });

    it("restarts a crashing replica with backoff and finally reports it failed", async () => {
      const s = spec("crash", 1);
      await target.start(s).catch(() => undefined); // may get ready before the first crash
      const seen = new Set<string>();
      const end = Date.now() + 4000;
      let restarts = 0;
      while (Date.now() < end) {
        const r = (await target.status()).find((x) => x.releaseId === s.id)?.replicas[0];
        if (!r) break;
        seen.add(r.state);
        restarts = r.restarts;
        if (r.state === "failed") break;
        await new Promise((res) => setTimeout(res, 20));
      }
      expect(restarts).toBeGreaterThanOrEqual(1);
      expect(seen.has("crashed") || seen.has("failed")).toBe(true);
      await target.stop(s.id, { drainMs: 0 });
    });

    it("stops a replica that ignores SIGTERM by killing it after drainMs", async () => {
      const status = await target.start(spec("ignore-term", 1));
      const started = Date.now();
      await target.stop(status.releaseId, { drainMs: 300 });
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect(lines.some((l) => l.text === "ignoring SIGTERM")).toBe(true);
      await expect(fetch(`http://${status.replicas[0]?.address}/`)).rejects.toThrow();
    });

    it("reaps what an earlier process left of a release, and nothing else", async () => {
      const earlier = make({ onLine: () => {}, readyTimeoutMs: 3000 });
      const status = await earlier.start(spec("ok", 1));
      const pid = status.replicas[0]!.pid!;
      const mine = await target.start(spec("ok", 1));
      const myPid = mine.replicas[0]!.pid!;
      // not the release's: this test process, another release's replica, one this target runs
      expect(await target.reapLeftovers(status.releaseId, [process.pid, myPid])).toBe(0);
      expect(await target.reapLeftovers(mine.releaseId, [myPid])).toBe(0);
      expect(await target.reapLeftovers(status.releaseId, [pid])).toBe(1);
      const alive = (p: number) => {
        try {
          process.kill(p, 0);
          return true;
        } catch {
          return false;
        }
      };
      for (let i = 0; i < 50 && alive(pid); i++) await new Promise((r) => setTimeout(r, 20));
      expect(alive(pid)).toBe(false);
      expect(alive(myPid)).toBe(true);
      await earlier.close();
      await target.stop(mine.releaseId, { drainMs: 100 });
    });

    it("rejects bad specs and duplicate ids", async () => {
      await expect(target.start({ ...spec("ok"), replicas: 0 })).rejects.toMatchObject({ name: "ValidationError" });
      const s = spec("ok", 1);
      await target.start(s);
      await expect(target.start(s)).rejects.toMatchObject({ name: "ConflictError" });
      await target.stop(s.id, { drainMs: 100 });
    });
  });
}
