/**
 * Real Prometheus and Alertmanager (Debian packages) for tests: each started on a free loopback
 * port with a temp data dir, 1 s intervals, and stopped (killed, dir removed) by `stop()`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../src/deploy/free-port.js";
import { serviceAvailable } from "./services.js";

/** Binaries (override with PITCREW_PROMETHEUS_BIN / PITCREW_ALERTMANAGER_BIN). */
export const PROMETHEUS_BIN = process.env.PITCREW_PROMETHEUS_BIN ?? "/usr/bin/prometheus";
export const ALERTMANAGER_BIN = process.env.PITCREW_ALERTMANAGER_BIN ?? "/usr/bin/prometheus-alertmanager";

/** Whether tests needing Prometheus and Alertmanager run (skip message, or failure when required). */
export function prometheusAvailable(withAlertmanager = false): Promise<boolean> {
  const what = withAlertmanager
    ? `Prometheus and Alertmanager (${PROMETHEUS_BIN}, ${ALERTMANAGER_BIN})`
    : `Prometheus (${PROMETHEUS_BIN})`;
  return serviceAvailable(
    what,
    async () => existsSync(PROMETHEUS_BIN) && (!withAlertmanager || existsSync(ALERTMANAGER_BIN)),
  );
}

/** A running Prometheus or Alertmanager. */
export interface RunningProcess {
  url: string;
  stop(): Promise<void>;
}

async function launch(bin: string, args: (port: number, dir: string) => string[], files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), "pitcrew-prom-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const port = await freePort();
  const child: ChildProcess = spawn(bin, args(port, dir), { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (d) => {
    stderr = (stderr + String(d)).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill("SIGKILL");
      await new Promise((r) => child.once("exit", r));
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 150; i++) {
    if (child.exitCode !== null) break;
    const ok = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { url, stop };
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`${bin} did not become ready:\n${stderr}`);
}

/** Starts Prometheus scraping `targets` (`job` → `host:port`, path /metrics) every second. */
export function startPrometheus(opts: {
  targets: Record<string, string>;
  rules?: string;
  alertmanager?: string;
}): Promise<RunningProcess> {
  const config = [
    "global: { scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s }",
    "scrape_configs:",
    ...Object.entries(opts.targets).map(
      ([job, target]) =>
        `  - { job_name: ${JSON.stringify(job)}, static_configs: [{ targets: [${JSON.stringify(target)}] }] }`,
    ),
    ...(opts.rules ? ["rule_files: [rules.yaml]"] : []),
    ...(opts.alertmanager
      ? [
          "alerting:",
          `  alertmanagers: [{ static_configs: [{ targets: [${JSON.stringify(new URL(opts.alertmanager).host)}] }] }]`,
        ]
      : []),
  ].join("\n");
  return launch(
    PROMETHEUS_BIN,
    (port, dir) => [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--rules.alert.resend-delay=1s",
      "--log.level=warn",
    ],
    { "prometheus.yml": config, ...(opts.rules ? { "rules.yaml": opts.rules } : {}) },
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
