/**
 * Alert ingest throughput: Alertmanager-format alerts/s accepted and stored by pitcrew through
 * `POST /api/alerts/alertmanager` (webhook payload version 4, 100 alerts per request, operator
 * token) on the embedded SQLite store over loopback HTTP, with p99 request latency; every alert
 * is new and firing, so each one also appends an `alert.firing` event (the worst case).
 * In the same script: the same alerts posted to a real Alertmanager (`POST /api/v2/alerts`,
 * 100 per request) for a side-by-side rate, and the recorder alone (no HTTP) as a baseline.
 * Load comes from autocannon in a child process. Target: ≥ 0.5 × Alertmanager end to end.
 * Each side's CPU time during its run (this process for pitcrew, /proc for Alertmanager) gives
 * alerts per CPU-second too: a cost ratio that a loaded machine disturbs far less than throughput.
 * With `--baseline DIR` (an earlier pitcrew checkout, e.g. `git worktree add DIR <commit>`), that
 * checkout's server is measured too, taking turns with this one and Alertmanager in every run,
 * for a before/after ratio under the same load.
 * Usage: npm run bench:ingest-alerts -- [--seconds 10] [--connections 4] [--runs 2] [--baseline DIR]
 */
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { ALERTMANAGER_BIN, startAlertmanager } from "../../src/observe/prometheus/prometheus-processes.js";

type Result = { requests: { total: number }; latency: { p50: number; p99: number }; non2xx: number; duration: number };

const arg = (name: string, dflt: number) => Number(process.argv[process.argv.indexOf(`--${name}`) + 1]) || dflt;
const BATCH = 100;

/** CPU seconds (user + system) process `pid` has used so far, from /proc/<pid>/stat. */
function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8")
    .replace(/^.*\) /s, "")
    .split(" ");
  const ticks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }));
  return (Number(fields[11]) + Number(fields[12])) / ticks;
}

/** CPU seconds this process has used so far. */
function ownCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** Alert `n` in Alertmanager's postable form (also the webhook's alert shape). */
function alert(n: number) {
  return {
    status: "firing",
    labels: {
      alertname: `HighErrorRate${n % 7}`,
      job: `svc-${n % 13}`,
      instance: `10.0.${n % 250}.${n % 199}:9100`,
      n: String(n),
      severity: n % 5 ? "warning" : "critical",
    },
    annotations: { summary: `error rate above 5% on svc-${n % 13}`, runbook: "https://runbooks.example/errors" },
    // A minute ago: Alertmanager rejects alerts starting after their (default) end.
    startsAt: new Date(Date.now() - 60_000).toISOString(),
    endsAt: "0001-01-01T00:00:00Z",
    generatorURL: "http://prometheus.example/graph?g0.expr=rate",
  };
}

/** Webhook body for batch `k` (pitcrew) or the plain array (Alertmanager's API). */
function makeBody(k: number, target: "pitcrew" | "alertmanager"): string {
  const alerts = Array.from({ length: BATCH }, (_, i) => alert(k * BATCH + i));
  if (target === "alertmanager") return JSON.stringify(alerts.map(({ status: _, endsAt: __, ...a }) => a));
  return JSON.stringify({
    version: "4",
    groupKey: `{}:{batch="${k}"}`,
    status: "firing",
    receiver: "pitcrew",
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: "http://am",
    alerts,
  });
}

/** Child mode: autocannon against `url`, a fresh batch per request; prints its JSON result. */
async function load(url: string, token: string, target: "pitcrew" | "alertmanager"): Promise<void> {
  const autocannon = createRequire(import.meta.url)("autocannon") as (opts: object) => Promise<Result>;
  let k = target === "pitcrew" ? 1_000_000 : 2_000_000;
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token !== "-") headers.authorization = `Bearer ${token}`;
  const result = await autocannon({
    url,
    connections: arg("connections", 4),
    duration: arg("seconds", 10),
    requests: [{ method: "POST", headers, setupRequest: (req: object) => ({ ...req, body: makeBody(k++, target) }) }],
  });
  process.stdout.write(JSON.stringify(result));
}

async function run(url: string, token: string, target: "pitcrew" | "alertmanager"): Promise<Result> {
  const argv = [...process.execArgv, process.argv[1]!, "--load", url, token, target];
  const extra = ["--seconds", String(arg("seconds", 10)), "--connections", String(arg("connections", 4))];
  const { stdout } = await promisify(execFile)(process.execPath, [...argv, ...extra], { maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout) as Result;
}

/** The modules of one pitcrew checkout the bench drives (this one, or the baseline's). */
interface Pitcrew {
  createApp: typeof import("../../src/app/app.js").createApp;
  configSchema: typeof import("../../src/common/config/config-schema.js").configSchema;
  silentLogger: typeof import("../../src/common/logger.js").silentLogger;
  observe: typeof import("../../src/observe/index.js");
  createServer: typeof import("../../src/server/server.js").createServer;
}

async function pitcrewAt(root: string): Promise<Pitcrew> {
  const load = (f: string) => import(pathToFileURL(join(root, f)).href);
  return {
    createApp: (await load("src/app/app.ts")).createApp,
    configSchema: (await load("src/common/config/config-schema.ts")).configSchema,
    silentLogger: (await load("src/common/logger.ts")).silentLogger,
    observe: await load("src/observe/index.ts"),
    createServer: (await load("src/server/server.ts")).createServer,
  };
}

/** One end-to-end measurement of a pitcrew server on a fresh SQLite store (and the recorder alone, when asked). */
async function measurePitcrew(p: Pitcrew, withRecorder: boolean) {
  const dataDir = mkdtempSync(join(tmpdir(), "pitcrew-bench-alerts-"));
  const config = p.configSchema.parse({ log: { level: "silent" } });
  const app = await p.createApp(
    { config, dataDir, databaseUrl: `sqlite:${join(dataDir, "pitcrew.db")}` },
    { log: p.silentLogger() },
  );
  try {
    const { token } = await app.store.tokens.create("bench", "operator");
    let recorderRate = Number.NaN;
    if (withRecorder) {
      // Baseline: validation + recorder (store + events) without HTTP.
      const bodies = Array.from({ length: 50 }, (_, k) => makeBody(k, "pitcrew"));
      const t = performance.now();
      for (const body of bodies)
        await app.observation.alerts.record(
          p.observe.alertsFromPayload(p.observe.parseAlertmanagerPayload(JSON.parse(body)), Date.now()),
        );
      recorderRate = (bodies.length * BATCH) / ((performance.now() - t) / 1000);
    }
    const server = p.createServer(app);
    const address = await server.listen({ host: "127.0.0.1", port: 0 });
    const count = async () => (await app.store.alerts.list({ limit: 10_000_000 })).length;
    const before = await count();
    const cpu0 = ownCpuSeconds();
    const ours = await run(`${address}/api/alerts/alertmanager`, token, "pitcrew");
    const cpu = ownCpuSeconds() - cpu0;
    const stored = (await count()) - before;
    const events = (
      await app.store.database.db
        .selectFrom("events")
        .select((eb) => eb.fn.countAll().as("n"))
        .executeTakeFirstOrThrow()
    ).n;
    await server.close();
    const accepted = Math.min(stored, (ours.requests.total - ours.non2xx) * BATCH);
    return { rate: accepted / ours.duration, perCpuSecond: accepted / cpu, recorderRate, result: ours, stored, events };
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function measureAlertmanager(): Promise<(Result & { cpu: number }) | undefined> {
  if (!existsSync(ALERTMANAGER_BIN)) return undefined;
  const proc = await startAlertmanager({ webhookUrl: "http://127.0.0.1:9/unused", token: "unused" });
  try {
    const cpu0 = cpuSecondsOf(proc.pid);
    const result = await run(`${proc.url}/api/v2/alerts`, "-", "alertmanager");
    return { ...result, cpu: cpuSecondsOf(proc.pid) - cpu0 };
  } finally {
    await proc.stop();
  }
}

async function main(): Promise<void> {
  const runs = arg("runs", 2);
  const i = process.argv.indexOf("--baseline");
  const baselineDir = i > 0 ? resolve(process.argv[i + 1]!) : undefined;
  const ours = await pitcrewAt(fileURLToPath(new URL("../..", import.meta.url)));
  const baseline = baselineDir ? await pitcrewAt(baselineDir) : undefined;
  const fmt = (n: number) => (Number.isNaN(n) ? "n/a" : Math.round(n).toLocaleString("en"));
  const lat = (r?: Result) => (r ? `p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms` : "n/a");
  const summary: string[] = [];
  for (let run = 1; run <= runs; run++) {
    const load0 = loadavg()[0] as number;
    const now = await measurePitcrew(ours, run === 1);
    const before = baseline ? await measurePitcrew(baseline, false) : undefined;
    const am = await measureAlertmanager();
    const amAccepted = am ? (am.requests.total - am.non2xx) * BATCH : Number.NaN;
    const amRate = am ? amAccepted / am.duration : Number.NaN;
    const amPerCpuSecond = am ? amAccepted / am.cpu : Number.NaN;
    const load1 = loadavg()[0] as number;
    console.log(
      [
        `\nrun ${run} (load average ${load0.toFixed(1)} → ${load1.toFixed(1)})`,
        "| path | alerts/s | alerts per CPU-second | request latency (100 alerts) |",
        "| --- | --- | --- | --- |",
        `| pitcrew webhook, end to end (validated, stored, 1 event per alert) | ${fmt(now.rate)} | ${fmt(now.perCpuSecond)} | ${lat(now.result)} |`,
        ...(before
          ? [
              `| baseline checkout, same path | ${fmt(before.rate)} | ${fmt(before.perCpuSecond)} | ${lat(before.result)} |`,
            ]
          : []),
        `| Alertmanager 0.25 \`POST /api/v2/alerts\` (accepted) | ${fmt(amRate)} | ${fmt(amPerCpuSecond)} | ${lat(am)} |`,
        ...(run === 1
          ? [`| pitcrew recorder only (validation + store + events, no HTTP) | ${fmt(now.recorderRate)} | — | — |`]
          : []),
        "",
        `pitcrew: ${now.result.requests.total} requests in ${now.result.duration.toFixed(1)} s, non-2xx ${now.result.non2xx}, stored ${now.stored.toLocaleString("en")} alerts, ${now.events} events`,
        am
          ? `Alertmanager: ${am.requests.total} requests, non-2xx ${am.non2xx}`
          : "Alertmanager: not installed, skipped",
      ].join("\n"),
    );
    summary.push(
      `run ${run}: pitcrew / Alertmanager ${(now.rate / amRate).toFixed(2)} (per CPU-second ${(now.perCpuSecond / amPerCpuSecond).toFixed(2)})` +
        (before
          ? `; after / before ${(now.rate / before.rate).toFixed(2)} (per CPU-second ${(now.perCpuSecond / before.perCpuSecond).toFixed(2)}; baseline / Alertmanager ${(before.rate / amRate).toFixed(2)})`
          : "") +
        `; load ${load0.toFixed(1)} → ${load1.toFixed(1)}`,
    );
  }
  console.log(`\n${summary.join("\n")}\ntarget: pitcrew ≥ 0.5 × Alertmanager`);
}

const i = process.argv.indexOf("--load");
if (i >= 0) await load(process.argv[i + 1]!, process.argv[i + 2]!, process.argv[i + 3] as "pitcrew" | "alertmanager");
else await main();
