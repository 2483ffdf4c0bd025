/**
 * Real Prometheus and Alertmanager processes (the Debian packages' binaries) on loopback, for the
 * demo's `--prometheus` mode and the tests: each runs on its own port with a temp data dir and
 * 1 s intervals, and `stop()` kills it and removes the dir. Scrape targets are static or read
 * from `file_sd` JSON files that the caller rewrites as replicas come and go.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../common/free-port.js";

/** The Prometheus binary (override with PITCREW_PROMETHEUS_BIN). */
export const PROMETHEUS_BIN = process.env.PITCREW_PROMETHEUS_BIN ?? "/usr/bin/prometheus";
/** The Alertmanager binary (override with PITCREW_ALERTMANAGER_BIN). */
export const ALERTMANAGER_BIN = process.env.PITCREW_ALERTMANAGER_BIN ?? "/usr/bin/prometheus-alertmanager";

/** Whether both binaries are installed. */
export function prometheusInstalled(withAlertmanager = true): boolean {
  return existsSync(PROMETHEUS_BIN) && (!withAlertmanager || existsSync(ALERTMANAGER_BIN));
}

/** A running Prometheus or Alertmanager. */
export interface RunningProcess {
  url: string;
  /** Its process id (benchmarks read its CPU time from /proc). */
  pid: number;
  /** Its temp directory (config, data, target files). */
  dir: string;
  stop(): Promise<void>;
}

/** One scrape job: static `host:port` targets, or a `file_sd` file in the process dir. */
export interface ScrapeJob {
  job: string;
  /** Static targets (`host:port`). */
  targets?: string[];
  /** Name of a `file_sd` JSON file in the process dir, rewritten with `writeTargetsFile`. */
  targetsFile?: string;
  /** Default `/metrics`. */
  metricsPath?: string;
}

/** Starts `bin` on a free (or the given) port; resolves once `/-/ready` answers. */
async function launch(
  bin: string,
  args: (port: number, dir: string) => string[],
  files: Record<string, string>,
  port?: number,
): Promise<RunningProcess> {
  const dir = mkdtempSync(join(tmpdir(), "pitcrew-prom-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const listen = port ?? (await freePort());
  const child: ChildProcess = spawn(bin, args(listen, dir), { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (d) => {
    stderr = (stderr + String(d)).slice(-4000);
  });
  const url = `http://127.0.0.1:${listen}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await new Promise((r) => child.once("exit", r));
    }
    rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  };
  for (let i = 0; i < 150; i++) {
    if (child.exitCode !== null) break;
    const ok = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { url, pid: child.pid!, dir, stop };
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`${bin} did not become ready:\n${stderr}`);
}

/** Writes a `file_sd` targets file atomically (Prometheus never reads half of it). */
export function writeTargetsFile(path: string, targets: string[], labels: Record<string, string> = {}): void {
  writeFileSync(`${path}.tmp`, JSON.stringify([{ targets, labels }]));
  renameSync(`${path}.tmp`, path);
}

/** Options of `startPrometheus`. */
export interface PrometheusOptions {
  jobs: ScrapeJob[];
  /** Rule file text, written as `rules.yaml` in the process dir. */
  rules?: string;
  /** Rule files already on disk (absolute paths). */
  ruleFiles?: string[];
  /** Alertmanager URL to send alerts to. */
  alertmanager?: string;
  /** Listen port (default: a free one). */
  port?: number;
}

/** Starts Prometheus scraping and evaluating every second. */
export function startPrometheus(opts: PrometheusOptions): Promise<RunningProcess> {
  const rules = [...(opts.rules ? ["rules.yaml"] : []), ...(opts.ruleFiles ?? [])];
  const job = (j: ScrapeJob) =>
    `  - job_name: ${JSON.stringify(j.job)}\n    metrics_path: ${JSON.stringify(j.metricsPath ?? "/metrics")}\n` +
    (j.targetsFile
      ? `    file_sd_configs: [{ files: [${JSON.stringify(j.targetsFile)}], refresh_interval: 1s }]`
      : `    static_configs: [{ targets: ${JSON.stringify(j.targets ?? [])} }]`);
  const config = [
    "global: { scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s }",
    "scrape_configs:",
    ...opts.jobs.map(job),
    ...(rules.length ? [`rule_files: ${JSON.stringify(rules)}`] : []),
    ...(opts.alertmanager
      ? [
          "alerting:",
          `  alertmanagers: [{ static_configs: [{ targets: [${JSON.stringify(new URL(opts.alertmanager).host)}] }] }]`,
        ]
      : []),
  ].join("\n");
  const files: Record<string, string> = {
    "prometheus.yml": config,
    ...(opts.rules ? { "rules.yaml": opts.rules } : {}),
  };
  for (const j of opts.jobs) if (j.targetsFile) files[j.targetsFile] = "[]";
  return launch(
    PROMETHEUS_BIN,
    (port, dir) => [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--rules.alert.resend-delay=1s",
      "--log.level=warn",
    ],
    files,
    opts.port,
  );
}

/** Starts Alertmanager posting every group to `webhookUrl` with a bearer token, 1 s group wait/interval. */
export function startAlertmanager(opts: { webhookUrl: string; token: string }): Promise<RunningProcess> {
  const config = `route:
  receiver: pitcrew
  group_by: [alertname, job]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: pitcrew
    webhook_configs:
      - url: ${JSON.stringify(opts.webhookUrl)}
        send_resolved: true
        http_config: { authorization: { credentials: ${JSON.stringify(opts.token)} } }
`;
  return launch(
    ALERTMANAGER_BIN,
    (port, dir) => [
      `--config.file=${join(dir, "alertmanager.yml")}`,
      `--storage.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--cluster.listen-address=",
      "--log.level=warn",
    ],
    { "alertmanager.yml": config },
  );
}
