/**
 * The canary judge under steady traffic, with real processes and the built-in router: A/A deploys
 * (the live commit again) must pass, bad releases (10 % errors on one of two routes; or every
 * request +100 ms, i.e. p50 +100 ms) must be rolled back. The shipped judge (fresh baseline,
 * warm-up, 50 requests per metric, sequential) decides each rollout; the baseline in the same run
 * is the judge as it was before (bench/canary/legacy-judge.ts), replayed on the same requests
 * (the router's exchange log), against the warm live replicas as it did, twice: with the same
 * warm-up and measurement times as the shipped judge, and as it shipped (measuring from the
 * canary's first request, no warm-up). All get the same short windows so the run fits in minutes:
 *
 *   canary 20 %, warm-up 4 s, interval 2 s, count 3, failureLimit 1, inconclusiveLimit 5;
 *   everything else is the judge's default (alpha 0.01, minEffect 1.2, minSamples 50).
 *
 * The service is generated here: two routes, 3–8 ms of simulated work and a small JSON render
 * per request, one replica per release; the load is 10 clients each sending a request every
 * ~25 ms, alternating routes (≈ 300 req/s on an idle machine, far less on a loaded one: the
 * figures state what was reached).
 *
 *   npm run bench:canary [-- --aa 30 --bad 30]
 */
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { startDelivery } from "../../src/app/delivery.js";
import type { Measurement } from "../../src/deploy/analysis/index.js";
import { triggerRun } from "../../src/runner/index.js";
import { commitFiles, createRepo } from "../../test/support/git-repo.js";
import { startTestApp } from "../../test/support/test-app.js";
import { legacyJudge, type Requests } from "./legacy-judge.js";

const SERVICE = `import { readFileSync } from "node:fs";
import { createServer } from "node:http";
const b = JSON.parse(readFileSync(new URL("./behaviour.json", import.meta.url), "utf8"));
const items = Array.from({ length: 50 }, (_, i) => ({ id: i, name: "item " + i, price: i * 1.5 }));
const server = createServer((req, res) => {
  if (req.url === "/readyz" || req.url === "/healthz") return res.end("ok");
  const work = 3 + Math.random() * 5 + (b.extraMs ?? 0);
  setTimeout(() => {
    if (req.url.startsWith("/b") && Math.random() < (b.errorRate ?? 0)) {
      res.statusCode = 500;
      return res.end("failed");
    }
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ route: req.url, items: items.slice(0, 10 + Math.floor(Math.random() * 40)) }));
  }, work);
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT), "127.0.0.1");
process.on("SIGTERM", () => { server.close(() => process.exit(0)); server.closeIdleConnections(); });
`;
const PIPELINE = "name: ci\non: { manual: {} }\njobs:\n  test:\n    steps:\n      - run: node --check service.mjs\n";
const MANIFEST = "start: [node, service.mjs]\nreplicas: 1\nhealth: { readiness: /readyz, liveness: /healthz }\n";
const INTERVAL_MS = 2_000;
const COUNT = 3;
const STRATEGY = {
  canary: {
    steps: [
      { setWeight: 20 },
      {
        analysis: {
          interval: "2s",
          count: COUNT,
          failureLimit: 1,
          inconclusiveLimit: 5,
          judge: { warmup: "4s" },
        },
      },
    ],
  },
};

type Kind = "aa" | "errors" | "slow";
interface Outcome {
  kind: Kind;
  /** What the shipped judge did: the rollout's final state (`paused` → aborted by the bench). */
  state: string;
  /** The rollout's last message (why it was rolled back). */
  message: string;
  /** Deploy call → the failing measurement, and → rolled back. */
  newDecisionMs?: number;
  rolledBackMs?: number;
  /** The old judge replayed with the same warm-up and measurement times. */
  old: Replay;
  /** The old judge replayed as it shipped: measuring from the canary's first request, no warm-up. */
  oldNoWarmup: Replay;
}

/** pass, fail (with the time from the deploy call), or undecided when the data ran out first. */
interface Replay {
  verdict: "pass" | "fail" | "inconclusive" | "undecided";
  decisionMs?: number;
}

const { values } = parseArgs({
  options: { aa: { type: "string", default: "30" }, bad: { type: "string", default: "30" } },
});
const nAa = Number(values.aa);
const nBad = Number(values.bad);
const t = await startTestApp({
  configure: (c) => {
    c.environments = [{ name: "production", router: "builtin", watch: 0, strategy: STRATEGY }];
  },
  delivery: { drainMs: 500 },
});
const repo = createRepo({
  "service.mjs": SERVICE,
  "behaviour.json": JSON.stringify({ version: "v0" }),
  ".pitcrew/pipeline.yaml": PIPELINE,
  ".pitcrew/deploy.yaml": MANIFEST,
});
const projectId = (await t.app.store.projects.create({ name: "web", repoUrl: repo, defaultBranch: "main" })).id;
const stopDelivery = await startDelivery(t.app);
const { delivery } = t.app;

const build = async (behaviour: Record<string, unknown>) => {
  const commit = commitFiles(repo, { "behaviour.json": JSON.stringify(behaviour) }, `ship ${behaviour.version}`);
  const res = await triggerRun(t.app.runner, projectId, { event: "manual", commit, triggeredBy: "bench" });
  if ((await t.waitForRun(res.run!.id)) !== "success") throw new Error(`the build of ${behaviour.version} failed`);
  return res.run!.id;
};

// every request the router forwarded (release, arrival, status, latency), from its exchange log
const requests: { at: number; releaseId: string; status: number; latencyMs: number }[] = [];
let lastSeq = -1;
let forwarded = 0;
const collect = () => {
  for (const e of delivery.exchanges("production")) {
    if (e.seq <= lastSeq) continue;
    lastSeq = e.seq;
    requests.push({ at: e.at, releaseId: e.releaseId, status: e.status, latencyMs: e.latencyMs });
    forwarded++;
  }
};
const collector = setInterval(collect, 200);
const measurements = new Map<number, Measurement[]>();
t.app.bus.subscribe((m) => {
  if (m.kind !== "event" || m.event.type !== "rollout.analysis") return;
  const id = m.event.data.rollout as number;
  measurements.set(id, [...(measurements.get(id) ?? []), m.event.data.measurement as Measurement]);
});

const good = await build({ version: "v1" });
const bad = {
  errors: await build({ version: "bad-errors", errorRate: 0.1 }),
  slow: await build({ version: "bad-slow", extraMs: 100 }),
};
const first = await delivery.deploy({
  project: "web",
  environment: "production",
  runId: good,
  by: "bench",
  reason: "first",
});
if ((await delivery.wait(first.rollout.id)) !== "succeeded") throw new Error("the first deploy failed");

let running = true;
const loops = Array.from({ length: 10 }, async (_, k) => {
  for (let i = 0; running; i++) {
    const url = delivery.urlOf("web", "production");
    await fetch(`${url}/${(i + k) % 2 ? "a" : "b"}`).then(
      (r) => r.arrayBuffer(),
      () => undefined,
    );
    await new Promise((r) => setTimeout(r, 25));
  }
});
await new Promise((r) => setTimeout(r, 3_000));

const requestsOf = (releaseId: string, from: number, to: number): Requests => {
  const mine = requests.filter((r) => r.releaseId === releaseId && r.at >= from && r.at <= to);
  const ok = mine.filter((r) => r.status < 500);
  return {
    latenciesMs: mine.map((r) => r.latencyMs),
    okLatenciesMs: ok.map((r) => r.latencyMs),
    errors: mine.length - ok.length,
  };
};

async function deployOnce(kind: Kind): Promise<Outcome> {
  const t0 = Date.now();
  const runId = kind === "aa" ? good : bad[kind];
  const { rollout } = await delivery.deploy({
    project: "web",
    environment: "production",
    runId,
    by: "bench",
    reason: kind,
  });
  let state = rollout.state as string;
  let message = "";
  for (;;) {
    const r = await delivery.rollout(rollout.id);
    state = r.state;
    message = r.message;
    if (["succeeded", "rolled_back", "failed", "aborted"].includes(state)) break;
    if (state === "paused") {
      await delivery.abort(rollout.id, "bench: the analysis was inconclusive");
      await delivery.wait(rollout.id);
      state = "paused";
      break;
    }
    await new Promise((res) => setTimeout(res, 100));
  }
  const done = Date.now();
  await new Promise((res) => setTimeout(res, 300));
  collect();
  const ms = measurements.get(rollout.id) ?? [];
  const failed = ms.find((m) => m.status === "fail");
  const canaryId = String(rollout.releaseId);
  const baselineId = String(rollout.baselineReleaseId);
  // the old protocol on the same requests, canary against the warm live replicas, cumulative
  // since its analysis started: fail at the first failing measurement, pass after COUNT
  // measurements unless all were inconclusive
  const replay = (start: number, times: number[]): Replay => {
    const statuses: string[] = [];
    for (const at of times.slice(0, COUNT)) {
      const s = legacyJudge(requestsOf(canaryId, start, at), requestsOf(baselineId, start, at));
      statuses.push(s);
      if (s.startsWith("fail")) return { verdict: "fail", decisionMs: at - t0 };
    }
    if (statuses.length < COUNT) return { verdict: "undecided" };
    return { verdict: statuses.every((s) => s === "inconclusive") ? "inconclusive" : "pass" };
  };
  const canaryTimes = requests.filter((r) => r.releaseId === canaryId).map((r) => r.at);
  const firstRequest = Math.min(...canaryTimes);
  const lastRequest = Math.max(...canaryTimes);
  const shipped = Array.from({ length: COUNT }, (_, k) => firstRequest + (k + 1) * INTERVAL_MS).filter(
    (at) => at <= lastRequest,
  );
  const out: Outcome = {
    kind,
    state,
    message,
    newDecisionMs: failed ? failed.at - t0 : undefined,
    rolledBackMs: state === "rolled_back" ? done - t0 : undefined,
    old: replay(
      (ms[0]?.at ?? 0) - INTERVAL_MS,
      ms.map((m) => m.at),
    ),
    oldNoWarmup: canaryTimes.length ? replay(firstRequest, shipped) : { verdict: "undecided" },
  };
  return out;
}

const outcomes: Outcome[] = [];
const plan: Kind[] = [];
for (let i = 0; i < Math.max(nAa, nBad); i++) {
  if (i < nAa) plan.push("aa");
  if (i < nBad) plan.push(i % 2 ? "slow" : "errors");
}
const began = Date.now();
for (const [i, kind] of plan.entries()) {
  const o = await deployOnce(kind);
  outcomes.push(o);
  const at = (ms: number | undefined) => (ms ? ` at ${(ms / 1000).toFixed(1)} s` : "");
  process.stderr.write(
    `${i + 1}/${plan.length} ${kind}: ${o.state}${at(o.newDecisionMs)}${o.state === "rolled_back" ? ` (${o.message})` : ""}; old judge ${o.old.verdict}${at(o.old.decisionMs)}, without warm-up ${o.oldNoWarmup.verdict}${at(o.oldNoWarmup.decisionMs)}\n`,
  );
  // bounded: only the last minute of requests is kept
  const keepFrom = Date.now() - 60_000;
  const kept = requests.findIndex((r) => r.at >= keepFrom);
  requests.splice(0, kept < 0 ? requests.length : kept);
  await new Promise((r) => setTimeout(r, 500));
}
const elapsedS = (Date.now() - began) / 1000;
running = false;
await Promise.all(loops);
clearInterval(collector);
await stopDelivery();
await t.dispose();

const median = (xs: number[]) => {
  if (!xs.length) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const sec = (ms: number | undefined) => (ms === undefined ? "–" : `${(ms / 1000).toFixed(1)} s`);
const of = (kinds: Kind[]) => outcomes.filter((o) => kinds.includes(o.kind));
const replayed = (os: Outcome[], pick: (o: Outcome) => Replay) => {
  const failed = os.filter((o) => pick(o).verdict === "fail");
  const undecided = os.filter((o) => pick(o).verdict === "undecided").length;
  return `${failed.length}/${os.length} failed${undecided ? ` (${undecided} undecided)` : ""}; median ${sec(median(failed.map((o) => pick(o).decisionMs!)))}`;
};
const row = (label: string, kinds: Kind[]) => {
  const os = of(kinds);
  const caught = os.filter((o) => o.state === "rolled_back");
  const paused = os.filter((o) => o.state === "paused").length;
  const shipped = `${caught.length}/${os.length} rolled back${paused ? ` (${paused} inconclusive)` : ""}; median decision ${sec(median(caught.map((o) => o.newDecisionMs!)))}, rolled back ${sec(median(caught.map((o) => o.rolledBackMs!)))}`;
  return `| ${label} | ${shipped} | ${replayed(os, (o) => o.old)} | ${replayed(os, (o) => o.oldNoWarmup)} |`;
};
console.log(
  `canary judge benchmark, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores, load ${loadavg()[0]!.toFixed(1)}, ${elapsedS.toFixed(0)} s, ${forwarded} requests (${(forwarded / elapsedS).toFixed(0)} req/s)`,
);
console.log(
  "| deploys | shipped judge (fresh baseline, warm-up, sequential) | old judge replayed, same warm-up and times (warm baseline) | old judge replayed as shipped (no warm-up) |",
);
console.log("| --- | --- | --- | --- |");
console.log(row("A/A (live commit again)", ["aa"]));
console.log(row("bad: 10 % errors on route /b", ["errors"]));
console.log(row("bad: +100 ms on every request", ["slow"]));
console.log(row("bad, all", ["errors", "slow"]));
console.log(JSON.stringify({ outcomes }));
process.exit(0);
