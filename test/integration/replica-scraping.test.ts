/**
 * Per-replica scraping under a real `pitcrew serve`: a release whose deploy.yaml names `metrics:`
 * is scraped on each replica's own port (never through the router), as its service's job with
 * `release` and `replica` labels; a replaced release's replicas are no longer scraped.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commitFiles, createRepo } from "../support/git-repo.js";
import { HAS_DIST, type ServeProcess, startServe, until } from "../support/serve-process.js";

const PIPELINE = "on: { manual: {} }\njobs:\n  test:\n    steps:\n      - run: test -f service.mjs\n";
/** Counts how often its own /metrics was read, so each scrape of this very replica shows. */
const SERVICE = `import { createServer } from "node:http";
let scrapes = 0;
createServer((req, res) => {
  if (req.url === "/metrics") {
    scrapes += 1;
    return res.end("# TYPE scrapes_total counter\\nscrapes_total " + scrapes + "\\n");
  }
  res.end("ok");
}).listen(Number(process.env.PORT), "127.0.0.1");
`;
const MANIFEST = `${JSON.stringify({
  start: ["node", "service.mjs"],
  replicas: 2,
  metrics: "/metrics",
  health: { readiness: "/", liveness: "/" },
})}\n`;

interface Series {
  metric: Record<string, string>;
  value: [number, string];
}

describe.skipIf(!HAS_DIST)("per-replica scraping", () => {
  let s: ServeProcess;
  let repo: string;
  const query = async (q: string): Promise<Series[]> =>
    (await s.api("GET", `/api/metrics/query?query=${encodeURIComponent(q)}`)).body.data.result;
  const deploy = async () => {
    const run = await s.api("POST", "/api/projects/svc/runs", { body: {} });
    expect((await s.waitForRun(run.body.id)).status).toBe("success");
    const d = await s.api("POST", "/api/environments/production/deploy", {
      body: { project: "svc", run: run.body.id },
    });
    expect(d.status, JSON.stringify(d.body)).toBe(202);
    await until(
      async () => (await s.api("GET", `/api/rollouts/${d.body.rollout.id}`)).body.state === "succeeded",
      60_000,
    );
    return String(d.body.release.id);
  };

  beforeAll(async () => {
    repo = createRepo({ "service.mjs": SERVICE, ".pitcrew/pipeline.yaml": PIPELINE, ".pitcrew/deploy.yaml": MANIFEST });
    s = await startServe({
      projects: [{ name: "svc", repo, branch: "main", poll: 0 }],
      services: [{ name: "svc-api", repository: "svc", scrape_interval: "1s" }],
      environments: [{ name: "production", watch: 0, strategy: { recreate: {} } }],
    });
  }, 60_000);
  afterAll(() => s?.stop());

  it("scrapes each replica of each release on its own port, labelled with both", async () => {
    const first = await deploy();
    const series = await until(async () => {
      const r = await query(`scrapes_total{job="svc-api",release="${first}"}`);
      return r.length === 2 ? r : undefined;
    }, 20_000);
    expect(series.map((x) => x.metric.replica).sort()).toEqual(["0", "1"]);
    const env = (await s.api("GET", "/api/environments")).body.environments[0];
    const listener = new URL(env.projects[0].url).host;
    const instances = new Set(series.map((x) => x.metric.instance));
    expect(instances.size).toBe(2);
    expect(instances.has(listener)).toBe(false);
    expect((await query(`up{job="svc-api",release="${first}"}`)).map((x) => x.value[1])).toEqual(["1", "1"]);

    commitFiles(repo, { "service.mjs": `${SERVICE}// v2\n` }, "v2");
    const second = await deploy();
    await until(async () => (await query(`scrapes_total{release="${second}"}`)).length === 2, 20_000);
    // the first release's replicas were withdrawn: no new scrape of them within the window
    await new Promise((r) => setTimeout(r, 4_000));
    const stale = await query(`increase(scrapes_total{release="${first}"}[3s])`);
    expect(stale.filter((x) => Number(x.value[1]) > 0)).toEqual([]);
    // …and not scraped after their processes ended either (that would have stored `up 0`)
    expect((await query(`up{release="${first}"}`)).map((x) => x.value[1])).toEqual(["1", "1"]);
    const fresh = await query(`increase(scrapes_total{release="${second}"}[3s])`);
    expect(fresh.filter((x) => Number(x.value[1]) > 0)).toHaveLength(2);
  }, 120_000);
});
