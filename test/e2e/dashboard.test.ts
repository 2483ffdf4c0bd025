/**
 * The dashboard end to end in a real browser: an in-process pitcrew (delivery started) serves the
 * built dashboard; headless Chromium (playwright-core, the system's /usr/bin/chromium) signs in
 * with a token, sees a run succeed, reads its log, reads why a failed run failed (the explaining
 * line linked into its log), visits Agents (empty, then a registered agent), follows a paused
 * canary of a real service to its end (live, on rollout events), visits Incidents and Overview,
 * and Services (charts of a scraped service, the dependency graph of ingested spans) and Models
 * (versions, refusals, drift) without a console error.
 * Screenshots land in test-artifacts/dashboard/.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeliveringApp } from "../../src/app/app.js";
import { startDelivery } from "../../src/app/delivery.js";
import { startFailureExplanations } from "../../src/failures/index.js";
import { startLogObservation } from "../../src/app/observe-logs.js";
import { startMetricsObservation } from "../../src/app/observe-metrics.js";
import { triggerRun } from "../../src/runner/index.js";
import { commitFiles, createRepo, gitIn } from "../support/git-repo.js";
import { serviceAvailable } from "../support/services.js";
import { startTestApp, type TestApp } from "../support/test-app.js";
import { storeRunOutcomes } from "../support/test-history.js";
import { readAgents } from "./dashboard-agents.js";

const ROOT = resolve(import.meta.dirname, "../..");
const CHROMIUM = "/usr/bin/chromium";
const SHOTS = resolve(ROOT, "test-artifacts/dashboard");
const SERVICE = readFileSync(resolve(ROOT, "test/fixtures/deploy/service.mjs"), "utf8");
const MANIFEST = "start: [node, service.mjs]\nreplicas: 1\nhealth: { readiness: /readyz, liveness: /healthz }\n";
const PAUSED_CANARY = { canary: { steps: [{ setWeight: 30 }, { pause: {} }] } };
/** A build step that fails as a TypeScript compile error does: progress lines, the diagnostic, a non-zero exit. */
const TYPE_ERROR =
  "echo 'compiling 12 files'; echo 'src/cart.ts(3,7): error TS2322: Type string is not assignable to type number.' >&2; echo 'Found 1 error.'; exit 2";
/** A pipeline whose test step selects by change, recording dependencies from V8 coverage. */
const SELECTING = `on:\n  manual: {}\njobs:\n  test:\n    steps:\n      - name: unit tests\n        tests: { framework: node-test, select: select, coverage: true, files: "test/*.test.mjs" }\n`;
const testOf = (name: string) =>
  `import test from "node:test";\nimport assert from "node:assert";\nimport { ${name} } from "../src/${name}.mjs";\ntest("${name}", () => assert.equal(${name}(), 1));\n`;
const hasChromium = await serviceAvailable(`Chromium (${CHROMIUM})`, async () => existsSync(CHROMIUM));

describe("the dashboard", () => {
  let t: TestApp<DeliveringApp>;
  let base: string;
  let stopDelivery: () => Promise<void>;
  let stopExplaining: () => void;
  let runId: number;
  let failedRunId: number;
  let selectedRunId: number;

  beforeAll(async () => {
    if (!existsSync(resolve(ROOT, "dist/web/index.html"))) {
      const { build } = await import("vite");
      await build({ configFile: resolve(ROOT, "src/web/vite.config.ts"), logLevel: "warn" });
    }
    t = await startTestApp({ delivery: { drainMs: 100 } });
    stopDelivery = await startDelivery(t.app);
    base = await t.server.listen({ port: 0, host: "127.0.0.1" });
    const repo = createRepo({
      ".pitcrew/pipeline.yaml": "on:\n  manual: {}\njobs:\n  greet:\n    steps:\n      - run: echo hi\n",
    });
    const project = await t.app.store.projects.create({ name: "hello", repoUrl: repo });
    const res = await triggerRun(t.app.runner, project.id, { event: "manual", triggeredBy: "test" });
    runId = res.run!.id;
    expect(await t.waitForRun(runId)).toBe("success");
    stopExplaining = startFailureExplanations(t.app);
    const broken = await t.app.store.projects.create({
      name: "broken",
      repoUrl: createRepo({
        ".pitcrew/pipeline.yaml": `on:\n  manual: {}\njobs:\n  build:\n    steps:\n      - run: ${JSON.stringify(TYPE_ERROR)}\n`,
      }),
    });
    failedRunId = (await triggerRun(t.app.runner, broken.id, { event: "manual", triggeredBy: "test" })).run!.id;
    expect(await t.waitForRun(failedRunId)).toBe("failure");
    selectedRunId = await selectingRuns(t);
  }, 90_000);
  afterAll(async () => {
    // stopping delivery halts a rollout still paused or analysing (its row is left for recovery)
    stopExplaining?.();
    await stopDelivery?.();
    // Chromium's keep-alive connections would hold server.close() for the keep-alive timeout (72 s)
    t?.server.server.closeAllConnections();
    await t?.dispose();
  }, 60_000);

  it("serves the page, hashed assets with a long cache, and JSON 404s under /api", async () => {
    const page = await fetch(`${base}/runs/${runId}`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    const html = await page.text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const js = await fetch(`${base}${asset}`);
    expect(js.headers.get("content-type")).toContain("text/javascript");
    expect(js.headers.get("cache-control")).toContain("immutable");
    expect((await fetch(`${base}/assets/nope.js`)).status).toBe(404);
    expect((await fetch(`${base}/assets/..%2f..%2fpackage.json`)).status).toBe(404);
    const api = await fetch(`${base}/api/nope`);
    expect(api.status).toBe(404);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe("not_found");
  });

  it.skipIf(!hasChromium)(
    "signs in with a token and shows a run with its log, incidents, the overview and a canary followed live",
    async () => {
      mkdirSync(SHOTS, { recursive: true });
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
      });
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
        const problems: string[] = [];
        // an incident without a heal answers GET /api/incidents/:id/heal with a 404, by design
        const expected = (url: string) => /\/api\/incidents\/\d+\/heal$/.test(url);
        page.on(
          "console",
          (m) => m.type() === "error" && !expected(m.location().url) && problems.push(`console: ${m.text()}`),
        );
        page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
        const rolloutId = await pausedCanary(t);
        await walkThrough(page, base, t.adminToken, runId);
        await readAgents(page, t, SHOTS);
        await readWhyItFailed(page, base, failedRunId);
        await followRollout(page, t, rolloutId);
        await followIncident(page, t);
        await readPullRequest(page, t, base);
        await watchServices(page, t);
        await readModels(page, t);
        await readTests(page, selectedRunId);
        expect(problems).toEqual([]);
      } finally {
        await browser.close();
      }
    },
    90_000,
  );
});

/** Signs in, then visits Runs, the run and Overview, taking screenshots. */
async function walkThrough(page: Page, base: string, token: string, runId: number): Promise<void> {
  await page.goto(`${base}/`);
  await page.getByLabel("API token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Overview" }).waitFor();

  await page.getByRole("link", { name: "Runs", exact: true }).click();
  const row = page.getByRole("row").filter({ has: page.getByRole("link", { name: `#${runId}`, exact: true }) });
  await row.getByText("success").waitFor();
  await page.screenshot({ path: `${SHOTS}/runs.png`, fullPage: true });

  await row.getByRole("link", { name: `#${runId}`, exact: true }).press("Enter");
  await page.getByRole("heading", { name: new RegExp(`Run #${runId}`) }).waitFor();
  const log = page.getByRole("log", { name: "log of greet" });
  await expect.poll(() => log.textContent(), { timeout: 10_000 }).toMatch(/^hi$/m);
  expect(new URL(page.url()).pathname).toBe(`/runs/${runId}`);
  await page.screenshot({ path: `${SHOTS}/run.png`, fullPage: true });

  await page.getByRole("link", { name: "Overview" }).click();
  await page.getByText("Change failure rate").waitFor();
  await page.getByText("Runs succeeded (last 100)").waitFor();
  await page.screenshot({ path: `${SHOTS}/overview.png`, fullPage: true });

  await page.reload();
  await page.getByRole("heading", { name: "Overview" }).waitFor();
}

/** The failed run's page: "Why it failed" names the compile error and links its line (best ranked) into the log. */
async function readWhyItFailed(page: Page, base: string, runId: number): Promise<void> {
  await page.goto(`${base}/runs/${runId}`);
  const why = page.getByRole("article", { name: "why build failed" });
  await why.getByText("compile", { exact: true }).waitFor({ timeout: 15_000 });
  const link = why.getByRole("listitem").first().getByRole("link"); // the best-ranked line
  await link.waitFor();
  const target = (await link.getAttribute("href"))!;
  await link.click();
  expect(new URL(page.url()).hash).toBe(target);
  const line = page.locator(target);
  await expect.poll(() => line.textContent(), { timeout: 10_000 }).toContain("error TS2322");
  expect(await line.getAttribute("class")).toContain("explained");
  await page.screenshot({ path: `${SHOTS}/run-failed.png`, fullPage: true });
}

/** Stores a live and a refused version of `test-failure` for `hello` and a drift report, then reads the Models pages. */
async function readModels(page: Page, t: TestApp<DeliveringApp>): Promise<void> {
  const scope = `project:${(await t.app.store.projects.resolve("hello")).id}`;
  const at = Date.now();
  const version = (status: "live" | "refused", reason: string, candidate: number) =>
    t.app.store.modelVersions.create({
      model: "test-failure",
      scope,
      status,
      reason,
      state: {},
      trainFrom: at - 86_400_000,
      trainTo: at,
      counts: { train: 40, evaluation: 12, evaluationUnits: 6 },
      metrics: {
        decision: {
          primaryMetric: "apfd",
          candidate: { metrics: { apfd: candidate } },
          incumbent: { metrics: { apfd: 0.6 } },
          comparison: { items: 6, meanDelta: candidate - 0.6, pNotBetter: candidate > 0.6 ? 0.01 : 0.97 },
        },
      },
      profile: {},
      codeVersion: "1",
      parentVersion: null,
      at,
    });
  await version("live", "promoted: better than the incumbent beyond the noise", 0.8125);
  await version("refused", "refused: not better than the incumbent: apfd 0.4000 vs 0.6000", 0.4);
  await t.app.events.emit(
    "model.drift",
    { kind: "model", model: "test-failure", scope },
    {
      model: "test-failure",
      scope,
      version: 1,
      reasons: ["feature streak PSI 0.412 > 0.25"],
      features: [],
      liveMetric: null,
      promotedMetric: null,
    },
  );
  await page.getByRole("link", { name: "Models", exact: true }).click();
  await page.getByRole("link", { name: "hello", exact: true }).click();
  const row = page.getByRole("row").filter({ has: page.getByRole("link", { name: "test-failure" }) });
  await row.getByText("v1").first().waitFor();
  await row.getByText("apfd 0.8125").waitFor();
  await row.getByRole("link", { name: "test-failure" }).click();
  await page
    .getByRole("heading", { name: /test-failure/ })
    .first()
    .waitFor();
  expect(new URL(page.url()).pathname).toBe("/models/hello/test-failure");
  await page.getByRole("cell", { name: "refused: not better than the incumbent: apfd 0.4000 vs 0.6000" }).waitFor();
  await page
    .getByRole("listitem")
    .filter({ hasText: "v2" })
    .getByText(/apfd 0\.4000 vs 0\.6000/)
    .waitFor();
  await page.getByText("feature streak PSI 0.412 > 0.25").waitFor();
  await page.screenshot({ path: `${SHOTS}/model.png`, fullPage: true });
}

/** Ships a real service once, then a canary of a new commit that pauses at 30 %; returns its rollout id. */
async function pausedCanary(t: TestApp<DeliveringApp>): Promise<number> {
  const repo = createRepo({
    "service.mjs": SERVICE,
    "behaviour.json": JSON.stringify({ version: "v1" }),
    ".pitcrew/pipeline.yaml": "on:\n  manual: {}\njobs:\n  check:\n    steps:\n      - run: node --check service.mjs\n",
    ".pitcrew/deploy.yaml": MANIFEST,
  });
  const project = await t.app.store.projects.create({ name: "web", repoUrl: repo });
  const delivery = t.app.delivery;
  const ship = async (strategy: unknown) => {
    const run = (await triggerRun(t.app.runner, project.id, { event: "manual", triggeredBy: "test" })).run!;
    expect(await t.waitForRun(run.id)).toBe("success");
    const { rollout } = await delivery.deploy({
      project: "web",
      environment: "production",
      runId: run.id,
      strategy,
      by: "test",
      reason: "dashboard test",
    });
    return rollout.id;
  };
  expect(await delivery.wait(await ship({ recreate: {} }))).toBe("succeeded");
  commitFiles(repo, { "behaviour.json": JSON.stringify({ version: "v2" }) }, "v2");
  const id = await ship(PAUSED_CANARY);
  await expect.poll(async () => (await t.app.store.rollouts.get(id)).state, { timeout: 20_000 }).toBe("paused");
  return id;
}

/** Deployments shows the paused canary at 30 %; its page shows the steps and follows it, live, to success. */
async function followRollout(page: Page, t: TestApp<DeliveringApp>, rolloutId: number): Promise<void> {
  await page.getByRole("link", { name: "Deployments" }).click();
  await page.getByRole("heading", { name: /production/ }).waitFor();
  const row = page.getByRole("row").filter({ hasText: "web" }).first();
  await row.getByText("paused", { exact: true }).waitFor();
  await row.getByText("30 %").waitFor();
  await page.screenshot({ path: `${SHOTS}/deployments.png`, fullPage: true });

  await row.getByRole("link", { name: `#${rolloutId}`, exact: true }).click();
  const heading = page.getByRole("heading", { name: new RegExp(`Rollout #${rolloutId} of web`) });
  await heading.getByText("paused", { exact: true }).waitFor();
  await page.getByText("setWeight").waitFor();
  await page.screenshot({ path: `${SHOTS}/rollout-paused.png`, fullPage: true });
  await t.app.delivery.promote(rolloutId);
  await heading.getByText("succeeded").waitFor({ timeout: 20_000 });
  await page.screenshot({ path: `${SHOTS}/rollout.png`, fullPage: true });
}

/** An alert fires while Incidents is open: the incident appears live; its page shows the signal and no heal. */
async function followIncident(page: Page, t: TestApp): Promise<void> {
  const stop = startLogObservation(t.app);
  try {
    await page.getByRole("link", { name: "Incidents" }).click();
    await page.getByText(/No incidents/).waitFor();
    await t.app.events.emit(
      "alert.firing",
      { kind: "alert", key: "disk1" },
      {
        fingerprint: "disk1",
        name: "HighDiskUse",
        status: "firing",
        labels: { alertname: "HighDiskUse", service: "web" },
        annotations: {},
        severity: "critical",
        service: "web",
        startsAt: new Date().toISOString(),
        endsAt: null,
        source: "rules",
      },
    );
    await t.app.incidents.catchUp();
    const link = page.getByRole("link", { name: /HighDiskUse/ });
    await link.waitFor();
    await page.screenshot({ path: `${SHOTS}/incidents.png`, fullPage: true });
    await link.click();
    await page.getByRole("heading", { name: /Incident #\d+/ }).waitFor();
    await page.getByText("disk1", { exact: true }).waitFor();
    await page.getByText("No heal was started for this incident.").waitFor();
    await page.screenshot({ path: `${SHOTS}/incident.png`, fullPage: true });
  } finally {
    stop();
  }
}

/** Opens a pull request on the local forge and reads its checks-free page and its diff. */
async function readPullRequest(page: Page, t: TestApp, base: string): Promise<void> {
  const dir = createRepo({ "src/cart.mjs": "export const total = (cart) => cart.items.length;\n" });
  await t.app.forge.createRepository("shop-ui", { fromPath: dir });
  gitIn(dir, "checkout", "--quiet", "-b", "guard");
  commitFiles(dir, { "src/cart.mjs": "export const total = (cart) => cart?.items?.length ?? 0;\n" }, "guard");
  await t.app.forge.pushBranch("shop-ui", { branch: "guard", fromWorktree: dir });
  const pr = await t.app.forge.openPullRequest({
    repo: "shop-ui",
    head: "guard",
    base: "main",
    title: "Guard against a missing cart",
    author: "dev",
  });
  await page.goto(`${base}/pulls/shop-ui/${pr.number}`);
  await page.getByRole("heading", { name: /shop-ui#\d+: Guard against a missing cart/ }).waitFor();
  await page.getByText("+export const total = (cart) => cart?.items?.length ?? 0;").waitFor();
  await page.getByText("-export const total = (cart) => cart.items.length;").waitFor();
  await page.screenshot({ path: `${SHOTS}/pull-request.png`, fullPage: true });
}

/** A /metrics endpoint whose request counters and latency histogram grow at each scrape (1 in 11 requests fails). */
async function growingMetrics(): Promise<{ url: string; close(): Promise<void> }> {
  let n = 0;
  const server = createServer((_req, res) => {
    n++;
    res.setHeader("content-type", "text/plain; version=0.0.4");
    res.end(
      [
        "# TYPE http_requests_total counter",
        `http_requests_total{method="GET",status="200"} ${n * 10}`,
        `http_requests_total{method="GET",status="500"} ${n}`,
        "# TYPE http_request_duration_seconds histogram",
        `http_request_duration_seconds_bucket{le="0.05"} ${n * 5}`,
        `http_request_duration_seconds_bucket{le="0.1"} ${n * 10}`,
        `http_request_duration_seconds_bucket{le="+Inf"} ${n * 11}`,
        `http_request_duration_seconds_sum ${n * 0.6}`,
        `http_request_duration_seconds_count ${n * 11}`,
        "",
      ].join("\n"),
    );
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/metrics`, close: () => new Promise((r) => server.close(() => r())) };
}

/** checkout → payments, once ok and once failing, as OTLP/HTTP JSON (client span in checkout, server span in payments). */
function checkoutCallsPayments(now: number) {
  const hex = (n: number, len: number) => n.toString(16).padStart(len, "0");
  const nanos = (ms: number) => `${BigInt(Math.round(ms)) * 1_000_000n}`;
  const resource = (service: string, spans: object[]) => ({
    resource: { attributes: [{ key: "service.name", value: { stringValue: service } }] },
    scopeSpans: [{ spans }],
  });
  return {
    resourceSpans: [0, 1].flatMap((i) => {
      const traceId = hex(0xc0ffee + i, 32);
      const span = (id: number, parent: number | null, kind: number, start: number, ms: number) => ({
        traceId,
        spanId: hex(i * 10 + id, 16),
        ...(parent ? { parentSpanId: hex(i * 10 + parent, 16) } : {}),
        name: `op${id}`,
        kind,
        startTimeUnixNano: nanos(start),
        endTimeUnixNano: nanos(start + ms),
        ...(i === 1 ? { status: { code: 2 } } : {}),
      });
      const t0 = now - 30_000 + i * 1000;
      return [resource("checkout", [span(1, null, 3, t0, 40)]), resource("payments", [span(2, 1, 2, t0 + 2, 30)])];
    }),
  };
}

/** A scraped service and a traced call: Services shows its charts and the edge; its page the larger charts and the call. */
async function watchServices(page: Page, t: TestApp): Promise<void> {
  const metrics = await growingMetrics();
  const service = { environment: "production", logSource: null, repository: null, repoPath: null };
  await t.app.store.services.upsert({ ...service, name: "checkout", metricsUrl: metrics.url, scrapeIntervalMs: 300 });
  await t.app.store.services.upsert({ ...service, name: "ledger", metricsUrl: null, scrapeIntervalMs: 15_000 });
  const stop = startMetricsObservation(t.app);
  try {
    const auth = { authorization: `Bearer ${t.adminToken}` };
    const ingest = await t.server.inject({
      method: "POST",
      url: "/v1/traces",
      headers: auth,
      payload: checkoutCallsPayments(Date.now()),
    });
    expect(ingest.statusCode).toBe(200);
    // a rate needs two scrapes: wait for them here rather than for the page's next refresh
    const now = () => Date.now() / 1000;
    const requests = async () => {
      const url = `/api/metrics/query_range?query=${encodeURIComponent('sum(rate(http_requests_total{job="checkout"}[1m]))')}&start=${now() - 60}&end=${now()}&step=5s`;
      return (await t.server.inject({ url, headers: auth })).json().data.result.length;
    };
    await expect.poll(requests, { timeout: 10_000, interval: 200 }).toBe(1);

    await page.getByRole("link", { name: "Services", exact: true }).click();
    await page.getByRole("heading", { name: "Services" }).waitFor();
    const table = page.getByRole("table", { name: /^Last 15 minutes/ });
    const row = table.getByRole("row").filter({ has: page.getByRole("link", { name: "checkout", exact: true }) });
    await row.locator("svg[role=img]").first().waitFor();
    const names = await row
      .locator("svg[role=img]")
      .evaluateAll((svgs) => svgs.map((s) => s.getAttribute("aria-label")));
    expect(names).toEqual([
      expect.stringMatching(/^Requests of checkout over the last 15 minutes: latest [\d.]+ \/s/),
      expect.stringMatching(/^5xx errors of checkout/),
      expect.stringMatching(/^p99 latency of checkout/),
    ]);
    const ledger = table.getByRole("row").filter({ has: page.getByRole("link", { name: "ledger", exact: true }) });
    await ledger.getByText("no metrics URL registered").first().waitFor();
    const graph = page.getByRole("img", { name: /^Dependency graph: 2 services, 1 call edges, 1 with errors/ });
    await graph.getByText(/50\.0 % errors/).waitFor();
    const edge = page
      .getByRole("table", { name: /Calls between services/ })
      .getByRole("row")
      .nth(1);
    expect(await edge.getByRole("cell").allTextContents()).toEqual(
      expect.arrayContaining(["checkout", "payments", "2", "1 (50.0 %)"]),
    );
    await page.screenshot({ path: `${SHOTS}/services.png`, fullPage: true });

    await row.getByRole("link", { name: "checkout", exact: true }).click();
    await page.getByRole("heading", { name: "Service checkout" }).waitFor();
    await page.getByRole("img", { name: /^Requests of checkout/ }).waitFor();
    await page.getByRole("img", { name: /^p99 latency of checkout/ }).waitFor();
    await page.getByRole("table", { name: "Called by checkout" }).getByRole("link", { name: "payments" }).waitFor();
    await page.getByText("No incidents involve checkout.").waitFor();
    await page.getByText("no checkpoint yet (the detectors learn from nothing)").waitFor();
    // a checkpoint of its detectors' calibration (as the leader stores one) shows on the page
    await t.app.store.modelVersions.create({
      model: "anomaly-calibration",
      scope: "service:checkout",
      status: "live",
      reason: "online update kept: not worse on recent held-out data: calibration_error 0.3100 vs 0.3400",
      state: { through: Date.now(), samples: 0, series: [] },
      trainFrom: Date.now() - 3_600_000,
      trainTo: Date.now(),
      counts: {},
      metrics: {},
      profile: {},
      codeVersion: "anomaly-calibration/1",
      parentVersion: null,
      at: Date.now(),
    });
    await page.reload();
    await page.getByText(/live v1 checkpointed/).waitFor();
    await page.screenshot({ path: `${SHOTS}/service.png`, fullPage: true });
    await page.getByRole("link", { name: "anomaly-calibration" }).click();
    await page.getByRole("heading", { name: /anomaly-calibration/ }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/services/checkout/models/anomaly-calibration");
    await page.getByRole("cell", { name: /^online update kept/ }).waitFor();
  } finally {
    stop();
    await metrics.close();
  }
}

/**
 * Project `suite`: a run of every test file (no green commit to compare with), then, after a change
 * to src/beta.mjs, a run that selects only beta's test and skips alpha's; then stored outcomes of a
 * test that failed and passed on one commit (flaky). Returns the selecting run's id.
 */
async function selectingRuns(t: TestApp<DeliveringApp>): Promise<number> {
  const repo = createRepo({
    ".pitcrew/pipeline.yaml": SELECTING,
    "src/alpha.mjs": "export const alpha = () => 1;\n",
    "src/beta.mjs": "export const beta = () => 1;\n",
    "test/alpha.test.mjs": testOf("alpha"),
    "test/beta.test.mjs": testOf("beta"),
  });
  const project = await t.app.store.projects.create({ name: "suite", repoUrl: repo, sandbox: false });
  const run = async () => {
    const id = (await triggerRun(t.app.runner, project.id, { event: "manual", triggeredBy: "test" })).run!.id;
    expect(await t.waitForRun(id)).toBe("success");
    return id;
  };
  await run();
  commitFiles(repo, { "src/beta.mjs": "export const beta = () => 2 - 1;\n" }, "touch beta");
  const selected = await run();
  await storeRunOutcomes(t.app.store, project.id, "f".repeat(40), [{ "api.T.shaky": true }, { "api.T.shaky": false }]);
  return selected;
}

/** From the selecting run's page to its step's selection (alpha skipped, with why), then the Tests page of `suite`. */
async function readTests(page: Page, runId: number): Promise<void> {
  await page.getByRole("link", { name: "Runs", exact: true }).click();
  await page.getByRole("link", { name: `#${runId}`, exact: true }).click();
  await page.getByRole("heading", { name: new RegExp(`Run #${runId}`) }).waitFor();
  const link = page.getByRole("link", { name: /^test selection: 1 of 2 files \(50\.0 %\)$/ });
  await link.click();
  await page.getByRole("heading", { name: /^Test selection #\d+$/ }).waitFor();
  const skipped = page.getByRole("table", { name: "skipped test files" });
  const alpha = skipped.getByRole("row").filter({ hasText: "test/alpha.test.mjs" });
  await alpha.waitFor();
  expect(await skipped.getByRole("row").count()).toBe(2); // the header and alpha
  expect((await alpha.getByRole("cell").nth(1).textContent())!.length).toBeGreaterThan(10);
  await page.getByText(/^select: select \(change-based selection\)/).waitFor();
  await page.screenshot({ path: `${SHOTS}/test-selection.png`, fullPage: true });

  await page.getByRole("link", { name: "All test selections of suite" }).click();
  await page.getByRole("heading", { name: "Tests of suite" }).waitFor();
  const selections = page.getByRole("table", { name: "test selections" });
  const row = selections.getByRole("row").filter({ has: page.getByRole("link", { name: `#${runId}`, exact: true }) });
  await row.getByText("1 of 2 files (50.0 %)").waitFor();
  await row.getByRole("link", { name: "1 skipped file(s), with reasons" }).waitFor();
  expect(await selections.getByRole("row").count()).toBe(3); // the header, the full run and the selecting one
  const slowest = page.getByRole("table", { name: "slowest tests" });
  await slowest.getByText("test/alpha.test.mjs.alpha", { exact: false }).first().waitFor();
  const flaky = page.getByRole("table", { name: "flakiest tests" }).getByRole("row").filter({ hasText: "api.T.shaky" });
  await flaky
    .getByText(/failed and passed|fail-and-pass|commit/i)
    .first()
    .waitFor();
  await page.screenshot({ path: `${SHOTS}/tests.png`, fullPage: true });
  await page.getByRole("link", { name: "Tests", exact: true }).click();
  await page.getByText("Choose a project to see its slowest and flakiest tests").waitFor();
}
