/**
 * `pitcrew demo`: the whole loop on real code with the embedded defaults. The shop's services
 * become repositories on pitcrew's forge, CI builds them, delivery ships them, traffic runs
 * through the gateway, and each fault scenario plays out while the terminal narrates the story;
 * a summary table ends it. With `--once` it stops after the scenarios (exit 1 unless every one
 * healed); otherwise the server keeps running with the shop under traffic until Ctrl-C. Each run
 * starts afresh in `<data_dir>/demo`; `--resume` goes on from what an interrupted run left there
 * (delivery restores the live releases, the healing loop resumes its heals where they were, the
 * shop is neither rebuilt nor redeployed, and finished scenarios are not played again).
 */
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { type LoadedConfig, loadConfig } from "../common/config/load-config.js";
import { color, formatDuration, table } from "../cli/output.js";
import { bootstrapAdminToken } from "../app/bootstrap.js";
import { type App, createApp } from "../app/app.js";
import { startDelivery } from "../app/delivery.js";
import { startHealing } from "../app/healing.js";
import { startAnomalyObservation } from "../app/observe-anomalies.js";
import { startLogObservation } from "../app/observe-logs.js";
import { startMetricsObservation } from "../app/observe-metrics.js";
import type { Delivery } from "../deploy/index.js";
import { startForgeAutomation } from "../forge/index.js";
import { startWorkers } from "../runner/index.js";
import { createServer } from "../server/server.js";
import { applyDemoDefaults, DEMO_ENVIRONMENT, SHOP_DIR, SHOP_RULES } from "./demo-settings.js";
import { planPrometheusAlerting, startPrometheusAlerting } from "./prometheus-alerting.js";
import { playBadRelease } from "./scenarios/play-bad-release.js";
import { playHeal } from "./scenarios/play-heal.js";
import type { ScenarioResult } from "./scenarios/scenario-result.js";
import { seedShop } from "./seed-shop.js";
import { loadShopManifest, type ShopManifest } from "./shop-manifest.js";
import { buildShop, deployShop, registerForScraping } from "./ship-shop.js";
import { elapsedLabel, storyLineOf } from "./story-line.js";
import { startTraffic } from "./traffic-process.js";

/** Options of `pitcrew demo`. */
export interface DemoOptions {
  configFile?: string;
  port?: string;
  /** Stop after the scenarios; exit 1 unless every one healed. */
  once: boolean;
  /** Only these scenarios (default: all). */
  scenarios?: string[];
  /** Print the results as JSON on stdout (the story goes to stderr). */
  json?: boolean;
  /** Alert with real Prometheus + Alertmanager instead of the built-in TSDB and rules. */
  prometheus?: boolean;
  /** Go on with the demo's data dir as an earlier run left it (e.g. after a crash) instead of afresh. */
  resume?: boolean;
}

/** Runs the demo; resolves with the process exit code when `once`, else keeps running. */
export async function runDemo(opts: DemoOptions): Promise<number> {
  const loaded = sandboxed(loadConfig({ file: opts.configFile }), Boolean(opts.resume));
  const userEnvironments = JSON.stringify(loaded.config.environments) !== JSON.stringify(DEFAULT_ENVIRONMENTS);
  applyDemoDefaults(loaded.config, userEnvironments);
  if (!process.env.PITCREW_LOG_LEVEL && loaded.config.log.level === "info") loaded.config.log.level = "error";
  if (opts.port !== undefined) loaded.config.server.port = Number(opts.port);
  const prometheusPlan = opts.prometheus ? await planPrometheusAlerting(loaded.config) : undefined;
  const manifest = loadShopManifest(`${SHOP_DIR}/shop.json`);
  const app = await createApp(loaded, { delivery: {} });
  const started = app.clock.now();
  const out = opts.json ? process.stderr : process.stdout;
  const say = (s: string) => out.write(`${color.dim(elapsedLabel(app.clock.now(), started))} ${s}\n`);
  const token = await bootstrapAdminToken(app);
  await startWorkers(app.runner);
  const stops = [
    startForgeAutomation({ forge: app.forge, runner: app.runner, bus: app.bus, log: app.log }),
    startLogObservation(app),
    startMetricsObservation(app),
    await startAnomalyObservation(app),
  ];
  const server = createServer(app);
  const address = await server.listen({ host: loaded.config.server.host, port: loaded.config.server.port });
  say(`${color.bold("pitcrew demo")} — server on ${address} (store: ${app.store.database.description})`);
  if (token) say(`admin token (shown once): ${color.bold(token)}`);
  await sendTracesTo(app, address);
  const stopDelivery = await startDelivery(app);
  const { delivery } = app;
  stops.push(startHealing(app));
  const alerting = prometheusPlan
    ? await startPrometheusAlerting(app, prometheusPlan, {
        serverUrl: address,
        jobs: manifest.services.map((s) => ({ service: s.name, metricsPath: s.metrics })),
        ruleFile: SHOP_RULES,
      })
    : undefined;
  if (alerting)
    say(
      `alerting on real Prometheus (${alerting.prometheus.url}) → Alertmanager (${alerting.alertmanager.url}) → pitcrew`,
    );
  const unsubscribe = app.bus.subscribe((m) => {
    if (m.kind !== "event") return;
    const line = storyLineOf(m.event);
    if (line) say(`${color.blue(line.stage.padEnd(8))} ${line.text}`);
  });

  const shutdown = async () => {
    unsubscribe();
    for (const stop of stops) stop();
    await server.close();
    await stopDelivery();
    await alerting?.stop();
    await app.close();
  };

  let played: { results: ScenarioResult[]; gatewayUrl: string; stop: () => Promise<void> };
  try {
    played = await playShop(app, delivery, manifest, opts, say);
  } catch (err) {
    say(color.red(`the demo failed: ${err instanceof Error ? err.message : String(err)}`));
    await shutdown();
    return 1;
  }
  const { results, gatewayUrl } = played;
  if (opts.json) process.stdout.write(`${JSON.stringify({ results }, null, 2)}\n`);
  else process.stdout.write(`\n${summaryTable(results)}\n`);

  if (opts.once) {
    await played.stop();
    await shutdown();
    return results.every((r) => r.healed) ? 0 : 1;
  }
  say(`the shop keeps running at ${gatewayUrl}; the API at ${address}. Ctrl-C stops everything.`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
  await played.stop();
  await shutdown();
  return 0;
}

/** Seeds, builds and ships the shop, starts traffic and plays the scenarios. */
async function playShop(
  app: App,
  delivery: Delivery,
  manifest: ShopManifest,
  opts: DemoOptions,
  say: (s: string) => void,
): Promise<{ results: ScenarioResult[]; gatewayUrl: string; stop: () => Promise<void> }> {
  say(`seeding the shop (${manifest.services.map((s) => s.name).join(", ")}) as repositories on pitcrew's forge`);
  const seeded = await seedShop(app, manifest, SHOP_DIR);
  say("building every service with its pipeline");
  const runs = await buildShop(app, seeded);
  say(`deploying to ${DEMO_ENVIRONMENT}, dependencies first`);
  await deployShop(app, delivery, seeded, runs, DEMO_ENVIRONMENT);
  const entry = seeded.find((s) => s.service.name === manifest.traffic.entry)!;
  const gatewayUrl = delivery.urlOf(entry.repo, DEMO_ENVIRONMENT)!;
  say(`the shop is open at ${color.bold(gatewayUrl)}; starting steady traffic (no fault journeys)`);
  const traffic = startTraffic(SHOP_DIR, { url: gatewayUrl, rate: 10, durationS: 24 * 3600 });
  const rescrape = app.bus.subscribe((m) => {
    if (m.kind !== "event" || !["rollout.succeeded", "rollout.rolled_back"].includes(m.event.type)) return;
    const s = seeded.find((x) => x.repo === m.event.data.project);
    if (s) void registerForScraping(app, delivery, s, DEMO_ENVIRONMENT).catch(() => {});
  });

  const results: ScenarioResult[] = [];
  for (const scenario of manifest.scenarios) {
    if (opts.scenarios && !opts.scenarios.includes(scenario.name)) continue;
    const service = seeded.find((s) => s.service.name === scenario.service)!;
    if (scenario.expectedBranch === "rollback") {
      results.push(await playBadRelease({ app, delivery, gatewayUrl, say }, scenario, service));
    } else {
      results.push(await playHeal({ app, gatewayUrl, say, timeoutMs: HEAL_TIMEOUT_MS, resume: opts.resume }, scenario));
    }
  }
  return {
    results,
    gatewayUrl,
    stop: async () => {
      rescrape();
      await traffic.stop();
    },
  };
}

/**
 * Has every release of the demo's environments export its traces to this server: the standard
 * OTLP variables (endpoint, and an authorization header with an operator token made for it),
 * unless the config already sets them. The dependency graph is built from those traces.
 */
async function sendTracesTo(app: App, address: string): Promise<void> {
  const { token } = await app.store.tokens.create("demo-telemetry", "operator");
  for (const e of app.config.config.environments) {
    e.env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: address,
      OTEL_EXPORTER_OTLP_HEADERS: `authorization=${encodeURIComponent(`Bearer ${token}`)}`,
      ...e.env,
    };
  }
}

/** How long one fault may take to heal before the demo gives up on it. */
const HEAL_TIMEOUT_MS = 240_000;

const DEFAULT_ENVIRONMENTS = [{ name: "production", router: "builtin", watch: 300_000 }];

/**
 * The demo runs in `<data_dir>/demo`, emptied first (unless resuming), so every run starts from
 * the shop as it is in `examples/shop` (an earlier run's merged fixes would otherwise leave
 * nothing to heal). A configured `database.url` is used as is.
 */
function sandboxed(loaded: LoadedConfig, resume: boolean): LoadedConfig {
  const dataDir = join(loaded.dataDir, "demo");
  if (!resume) rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const ownDatabase = loaded.config.database.url === undefined;
  return {
    ...loaded,
    dataDir,
    databaseUrl: ownDatabase ? `sqlite:${join(dataDir, "pitcrew.db")}` : loaded.databaseUrl,
  };
}

/** The summary table: fault, detection, diagnosis, action, PR, MTTR. */
export function summaryTable(results: ScenarioResult[]): string {
  return table(
    ["scenario", "fault", "detection", "diagnosis", "action", "PR", "MTTR", "healed"],
    results.map((r) => [
      r.scenario,
      r.fault,
      r.detection,
      r.diagnosis.length > 60 ? `${r.diagnosis.slice(0, 57)}...` : r.diagnosis,
      r.action,
      r.pr,
      r.mttrMs === undefined ? "-" : formatDuration(r.mttrMs),
      r.healed ? color.green("yes") : color.red("no"),
    ]),
  );
}
