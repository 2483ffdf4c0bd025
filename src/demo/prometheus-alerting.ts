/**
 * `pitcrew demo --prometheus`: the shop's alerting on real Prometheus and Alertmanager instead of
 * pitcrew's built-in TSDB and rule evaluator. Prometheus scrapes each shop service (one job per
 * service, its targets in a `file_sd` file kept equal to the services registry every second) and
 * evaluates the shop's own rule file; Alertmanager posts firing and resolved alerts to pitcrew's
 * webhook with an operator token; pitcrew reads metrics (anomaly detection, latency evidence)
 * from Prometheus through `metrics.prometheus_url`. Everything else — incidents, heals, delivery
 * — is unchanged, which is the point: the loop works on a user's own Prometheus stack.
 */
import { join } from "node:path";
import type { App } from "../app/app.js";
import type { Config } from "../common/config/config-schema.js";
import { ValidationError } from "../common/errors.js";
import { freePort } from "../common/free-port.js";
import {
  ALERTMANAGER_BIN,
  PROMETHEUS_BIN,
  prometheusInstalled,
  type RunningProcess,
  startAlertmanager,
  startPrometheus,
  writeTargetsFile,
} from "../observe/index.js";

/** The reserved Prometheus port, chosen before the app reads its metrics source. */
export interface PrometheusPlan {
  port: number;
}

/**
 * Points the config at a Prometheus to be started on a free port (`metrics.prometheus_url`), and
 * leaves rule evaluation to it. Throws a ValidationError naming the packages when they are missing.
 */
export async function planPrometheusAlerting(config: Config): Promise<PrometheusPlan> {
  if (!prometheusInstalled(true))
    throw new ValidationError(
      `--prometheus needs ${PROMETHEUS_BIN} and ${ALERTMANAGER_BIN} (Debian: apt-get install prometheus prometheus-alertmanager; or set PITCREW_PROMETHEUS_BIN / PITCREW_ALERTMANAGER_BIN)`,
    );
  const port = await freePort();
  config.metrics.prometheus_url = `http://127.0.0.1:${port}`;
  config.alerts.rule_files = [];
  return { port };
}

/** The shop's services as Prometheus scrape jobs. */
export interface ShopJob {
  service: string;
  metricsPath: string;
}

/**
 * Starts Alertmanager (webhook to `serverUrl` with a new operator token) and Prometheus on the
 * planned port with `ruleFile`, then keeps each job's targets equal to the registry's scrape URL
 * of its service. Resolves with the stop function.
 */
export async function startPrometheusAlerting(
  app: App,
  plan: PrometheusPlan,
  opts: { serverUrl: string; jobs: ShopJob[]; ruleFile: string },
): Promise<{ prometheus: RunningProcess; alertmanager: RunningProcess; stop: () => Promise<void> }> {
  const { token } = await app.store.tokens.create("demo-alertmanager", "operator");
  const alertmanager = await startAlertmanager({ webhookUrl: `${opts.serverUrl}/api/alerts/alertmanager`, token });
  let prometheus: RunningProcess;
  try {
    prometheus = await startPrometheus({
      port: plan.port,
      jobs: opts.jobs.map((j) => ({ job: j.service, metricsPath: j.metricsPath, targetsFile: `${j.service}.json` })),
      ruleFiles: [opts.ruleFile],
      alertmanager: alertmanager.url,
    });
  } catch (err) {
    await alertmanager.stop();
    throw err;
  }
  const written = new Map<string, string>();
  const sync = async () => {
    const services = await app.store.services.list();
    for (const job of opts.jobs) {
      const url = services.find((s) => s.name === job.service)?.metricsUrl;
      const target = url ? new URL(url).host : "";
      if (written.get(job.service) === target) continue;
      writeTargetsFile(join(prometheus.dir, `${job.service}.json`), target ? [target] : []);
      written.set(job.service, target);
    }
  };
  const timer = setInterval(() => void sync().catch((err) => app.log.warn({ err }, "prometheus targets")), 1_000);
  timer.unref();
  return {
    prometheus,
    alertmanager,
    stop: async () => {
      clearInterval(timer);
      await prometheus.stop();
      await alertmanager.stop();
    },
  };
}
