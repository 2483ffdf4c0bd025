/**
 * The dashboard end to end in a real browser: an in-process pitcrew (delivery started) serves the
 * built dashboard; headless Chromium (playwright-core, the system's /usr/bin/chromium) signs in
 * with a token, sees a run succeed, reads its log, and visits Deployments, Incidents and
 * Overview without a console error. Screenshots land in test-artifacts/dashboard/.
 */
import { existsSync, mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDelivery } from "../../src/app/delivery.js";
import { triggerRun } from "../../src/runner/index.js";
import { createRepo } from "../support/git-repo.js";
import { serviceAvailable } from "../support/services.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

const ROOT = resolve(import.meta.dirname, "../..");
const CHROMIUM = "/usr/bin/chromium";
const SHOTS = resolve(ROOT, "test-artifacts/dashboard");
const hasChromium = await serviceAvailable(`Chromium (${CHROMIUM})`, async () => existsSync(CHROMIUM));

describe("the dashboard", () => {
  let t: TestApp;
  let base: string;
  let stopDelivery: () => Promise<void>;
  let runId: number;

  beforeAll(async () => {
    if (!existsSync(resolve(ROOT, "dist/web/index.html"))) {
      const { build } = await import("vite");
      await build({ configFile: resolve(ROOT, "src/web/vite.config.ts"), logLevel: "warn" });
    }
    t = await startTestApp();
    stopDelivery = await startDelivery(t.app);
    base = await t.server.listen({ port: 0, host: "127.0.0.1" });
    const repo = createRepo({
      ".pitcrew/pipeline.yaml": "on:\n  manual: {}\njobs:\n  greet:\n    steps:\n      - run: echo hi\n",
    });
    const project = await t.app.store.projects.create({ name: "hello", repoUrl: repo });
    const res = await triggerRun(t.app.runner, project.id, { event: "manual", triggeredBy: "test" });
    runId = res.run!.id;
    expect(await t.waitForRun(runId)).toBe("success");
  });
  afterAll(async () => {
    await stopDelivery?.();
    await t?.dispose();
  });

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
    "signs in with a token and shows the run, its log, deployments, incidents and the overview",
    async () => {
      mkdirSync(SHOTS, { recursive: true });
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
      });
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
        const problems: string[] = [];
        page.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
        page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
        await walkThrough(page, base, t.adminToken, runId);
        expect(problems).toEqual([]);
      } finally {
        await browser.close();
      }
    },
  );
});

/** Signs in, then visits Runs, the run, Deployments, Incidents and Overview, taking screenshots. */
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

  await page.getByRole("link", { name: "Deployments" }).click();
  await page.getByRole("heading", { name: /production/ }).waitFor();
  await page.getByText("No rollouts yet.").waitFor();
  await page.screenshot({ path: `${SHOTS}/deployments.png`, fullPage: true });

  await page.getByRole("link", { name: "Incidents" }).click();
  await page.getByText(/No incidents/).waitFor();

  await page.getByRole("link", { name: "Overview" }).click();
  await page.getByText("Change failure rate").waitFor();
  await page.getByText("Runs succeeded (last 100)").waitFor();
  await page.screenshot({ path: `${SHOTS}/overview.png`, fullPage: true });

  await page.reload();
  await page.getByRole("heading", { name: "Overview" }).waitFor();
}
