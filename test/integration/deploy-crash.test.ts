/**
 * Crash safety of delivery with a real `kill -9`: the server dies while a canary is paused at
 * 50 %; after a restart the rollout is aborted, the canary's orphaned replicas are killed, and
 * the environment's listener (same port) serves the last live release again. Driven through the
 * HTTP API of a real `pitcrew serve` process.
 */
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { commitFiles, createRepo } from "../support/git-repo.js";
import { adminToken, freePort, spawnServe, until } from "../support/serve-process.js";

const SERVICE = readFileSync(new URL("../fixtures/deploy/service.mjs", import.meta.url), "utf8");

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe.skipIf(!existsSync(resolve(import.meta.dirname, "../../dist/cli/main.js")))("kill -9 mid-canary", () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children) if (c.exitCode === null) c.kill("SIGTERM");
  });

  it("aborts the rollout on restart and serves the live release on the same port", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "pitcrew-deploy-crash-"));
    writeFileSync(join(dataDir, "pitcrew.yaml"), "environments:\n  - name: production\n    watch: 0\n");
    const repo = createRepo({
      "service.mjs": SERVICE,
      "behaviour.json": JSON.stringify({ version: "v1" }),
      ".pitcrew/pipeline.yaml":
        "on: { manual: {} }\njobs:\n  check:\n    steps:\n      - run: node --check service.mjs\n",
      ".pitcrew/deploy.yaml": "start: [node, service.mjs]\nreplicas: 2\n",
    });
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const first = spawnServe(dataDir, port, { config: join(dataDir, "pitcrew.yaml") });
    children.push(first.child);
    const token = await adminToken(dataDir);
    const api = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      // biome-ignore lint/suspicious/noExplicitAny: API answers of many shapes, read field by field
      const json = (await res.json()) as Record<string, any>;
      if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    };
    const runOf = async (commit?: string) => {
      const run = await api("POST", "/api/projects/web/runs", commit ? { commit } : {});
      await until(
        async () => ((await api("GET", `/api/runs/${run.id}`)).status === "success" ? true : undefined),
        60_000,
        "the run",
      );
      return run.id as number;
    };
    const rolloutState = async (id: number) => (await api("GET", `/api/rollouts/${id}`)).state as string;
    await api("POST", "/api/projects", { name: "web", repoUrl: repo });

    const v1 = await api("POST", "/api/environments/production/deploy", { project: "web", run: await runOf() });
    await until(
      async () => ((await rolloutState(v1.rollout.id)) === "succeeded" ? true : undefined),
      60_000,
      "v1 live",
    );
    const commit = commitFiles(repo, { "behaviour.json": JSON.stringify({ version: "v2" }) }, "v2");
    const v2 = await api("POST", "/api/environments/production/deploy", {
      project: "web",
      run: await runOf(commit),
      strategy: { canary: { steps: [{ setWeight: 50 }, { pause: {} }] } },
    });
    await until(async () => ((await rolloutState(v2.rollout.id)) === "paused" ? true : undefined), 60_000, "the pause");
    const envs = await api("GET", "/api/environments");
    const url = envs.environments[0].projects[0].url as string;
    const canaryPids = (
      (await api("GET", `/api/releases?project=web`)).releases as { id: number; pids: number[] }[]
    ).find((r) => r.id === v2.release.id)!.pids;
    expect(canaryPids.length).toBe(2);

    first.child.kill("SIGKILL");
    await new Promise((r) => first.child.once("exit", r));
    const second = spawnServe(dataDir, port, { config: join(dataDir, "pitcrew.yaml") });
    children.push(second.child);
    await until(
      async () => (await fetch(`${base}/healthz`).catch(() => undefined))?.ok,
      20_000,
      "the restarted server",
    );

    await until(async () => ((await rolloutState(v2.rollout.id)) === "aborted" ? true : undefined), 20_000, "abort");
    const releases = (await api("GET", "/api/releases?project=web")).releases as { id: number; status: string }[];
    expect(releases.find((r) => r.id === v2.release.id)?.status).toBe("failed");
    expect(releases.find((r) => r.id === v1.release.id)?.status).toBe("live");
    await until(
      async () => (canaryPids.every((p) => !alive(p)) ? true : undefined),
      10_000,
      "the canary replicas to die",
    );
    const bodies = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`${url}/`);
      expect(res.status).toBe(200);
      bodies.add(await res.text());
    }
    expect(bodies).toEqual(new Set(["v1"]));
  }, 120_000);
});
