/**
 * Alert ingest throughput: Alertmanager-format alerts/s accepted and stored by pitcrew through
 * `POST /api/alerts/alertmanager` (webhook payload version 4, 100 alerts per request, operator
 * token) on the embedded SQLite store over loopback HTTP, with p99 request latency; every alert
 * is new and firing, so each one also appends an `alert.firing` event (the worst case).
 * In the same script: the same alerts posted to a real Alertmanager (`POST /api/v2/alerts`,
 * 100 per request) for a side-by-side rate, and the recorder alone (no HTTP) as a baseline.
 * Load comes from autocannon in a child process. Target: ≥ 5,000 alerts/s end to end.
 * Usage: npx tsx bench/ingest/alerts.ts [--seconds 10] [--connections 4]
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import { createApp } from "../../src/app/app.js";
import { configSchema } from "../../src/common/config/config-schema.js";
import { silentLogger } from "../../src/common/logger.js";
import { alertsFromPayload, parseAlertmanagerPayload } from "../../src/observe/index.js";
import { createServer } from "../../src/server/server.js";
import { ALERTMANAGER_BIN, startAlertmanager } from "../../src/observe/prometheus/prometheus-processes.js";

type Result = { requests: { total: number }; latency: { p50: number; p99: number }; non2xx: number; duration: number };

const arg = (name: string, dflt: number) => Number(process.argv[process.argv.indexOf(`--${name}`) + 1]) || dflt;
const BATCH = 100;

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

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "pitcrew-bench-alerts-"));
  const config = configSchema.parse({ log: { level: "silent" } });
  const app = await createApp(
    { config, dataDir, databaseUrl: `sqlite:${join(dataDir, "pitcrew.db")}` },
    { log: silentLogger() },
  );
  const { token } = await app.store.tokens.create("bench", "operator");
  const server = createServer(app);
  const address = await server.listen({ host: "127.0.0.1", port: 0 });
  const recorder = app.observation.alerts;

  // Baseline: validation + recorder (store + events) without HTTP.
  const bodies = Array.from({ length: 50 }, (_, k) => makeBody(k, "pitcrew"));
  const t = performance.now();
  for (const body of bodies)
    await recorder.record(alertsFromPayload(parseAlertmanagerPayload(JSON.parse(body)), Date.now()));
  const repoRate = (bodies.length * BATCH) / ((performance.now() - t) / 1000);

  const count = async () => (await app.store.alerts.list({ limit: 10_000_000 })).length;
  const before = await count();
  const ours = await run(`${address}/api/alerts/alertmanager`, token, "pitcrew");
  const stored = (await count()) - before;
  const events = (
    await app.store.database.db
      .selectFrom("events")
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirstOrThrow()
  ).n;
  const httpRate = Math.min(stored, (ours.requests.total - ours.non2xx) * BATCH) / ours.duration;
  await server.close();
  await app.close();

  let am: Result | undefined;
  if (existsSync(ALERTMANAGER_BIN)) {
    const proc = await startAlertmanager({ webhookUrl: "http://127.0.0.1:9/unused", token: "unused" });
    try {
      am = await run(`${proc.url}/api/v2/alerts`, "-", "alertmanager");
    } finally {
      await proc.stop();
    }
  }
  const amRate = am ? ((am.requests.total - am.non2xx) * BATCH) / am.duration : Number.NaN;

  const fmt = (n: number) => (Number.isNaN(n) ? "n/a" : Math.round(n).toLocaleString("en"));
  const lat = (r?: Result) => (r ? `p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms` : "n/a");
  console.log(
    [
      "| path | alerts/s | request latency (100 alerts) |",
      "| --- | --- | --- |",
      `| pitcrew webhook, end to end (validated, stored, 1 event per alert) | ${fmt(httpRate)} | ${lat(ours)} |`,
      `| Alertmanager 0.25 \`POST /api/v2/alerts\` (accepted) | ${fmt(amRate)} | ${lat(am)} |`,
      `| pitcrew recorder only (validation + store + events, no HTTP) | ${fmt(repoRate)} | — |`,
      "",
      `pitcrew: ${ours.requests.total} requests in ${ours.duration.toFixed(1)} s, non-2xx ${ours.non2xx}, stored ${stored.toLocaleString("en")} alerts, ${events} events`,
      am ? `Alertmanager: ${am.requests.total} requests, non-2xx ${am.non2xx}` : "Alertmanager: not installed, skipped",
      `pitcrew / Alertmanager: ${(httpRate / amRate).toFixed(2)}; target ≥ 5,000 alerts/s: ${httpRate >= 5000 ? "met" : "NOT met"}`,
    ].join("\n"),
  );
  rmSync(dataDir, { recursive: true, force: true });
}

const i = process.argv.indexOf("--load");
if (i >= 0) await load(process.argv[i + 1]!, process.argv[i + 2]!, process.argv[i + 3] as "pitcrew" | "alertmanager");
else await main();
