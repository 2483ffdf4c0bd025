/**
 * The demo end to end, as a user runs it: `pitcrew demo --headless --once --json` as a real
 * process on a fresh data dir seeds the shop onto the forge, builds it with CI, deploys it, puts
 * it under traffic and plays every fault scenario. Each must heal through its expected branch:
 * pattern or config fixes through a merged pull request, a canary and a verification (the alert
 * resolved), the bad release through an automatic rollback. No replica may outlive the demo.
 * Meanwhile headless Chromium (when installed) signs in to the demo's dashboard with the token the
 * story prints, follows the cart's incident live from open to its heal resolved, reads the fix's
 * pull request diff, and finds the gateway → cart call in the Services dependency graph (the
 * shop's traces); screenshots land in test-artifacts/demo/.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium, type Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { demoBuilt, processesIn, startDemo } from "../support/demo-process.js";
import { serviceAvailable } from "../support/services.js";

const CHROMIUM = "/usr/bin/chromium";
const SHOTS = resolve(import.meta.dirname, "../../test-artifacts/demo");
const hasChromium = await serviceAvailable(`Chromium (${CHROMIUM})`, async () => existsSync(CHROMIUM));

interface Result {
  scenario: string;
  healed: boolean;
  action: string;
  pr: string;
  branch: string[];
}

/** The heal states a fix through a pull request passes, in order. */
const FIX_PATH = ["repairing", "pr_open", "ci_running", "merging", "deploying", "verifying", "resolved"];

/** Whether `states` contains `path` as a subsequence. */
const follows = (states: string[], path: string[]) => {
  let i = 0;
  for (const s of states) if (s === path[i]) i++;
  return i === path.length;
};

describe.skipIf(!demoBuilt)("pitcrew demo", () => {
  it("heals every fault of the shop through its expected branch", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "pitcrew-demo-"));
    try {
      const demo = startDemo(dataDir);
      const { exited } = demo;
      const followed = hasChromium ? followCartIncident(demo.story, exited) : Promise.resolve("skipped");
      const code = await exited;
      const story = demo.story();
      const out = demo.out();
      expect(await followed, story).toBe("resolved");
      expect(story).toMatch(/the shop is open at http:\/\/127\.0\.0\.1:\d+/);
      const { results } = JSON.parse(out) as { results: Result[] };
      const by = (name: string) => results.find((r) => r.scenario === name)!;
      expect(results.map((r) => r.scenario).sort(), story).toEqual([
        "cart-null-dereference",
        "catalog-bad-release",
        "gateway-catalog-timeout",
        "pricing-zero-division",
      ]);
      for (const name of ["cart-null-dereference", "pricing-zero-division", "gateway-catalog-timeout"]) {
        expect(by(name).healed, `${name}: ${JSON.stringify(by(name))}\n${story}`).toBe(true);
        expect(follows(by(name).branch, FIX_PATH), `${name}: ${by(name).branch.join(" → ")}`).toBe(true);
        expect(by(name).pr).toMatch(/^shop-[a-z]+#\d+$/);
      }
      expect(by("catalog-bad-release"), story).toMatchObject({ healed: true, action: "automatic rollback" });
      expect(story).toMatch(/shop-catalog\/production: release \d+ rolled back: analysis failed: .*error rate/);
      expect(code, story).toBe(0);
      // no replica outlives the demo: no process still runs inside the data dir
      expect(processesIn(dataDir)).toEqual([]);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 900_000);
});

/** Waits until `read()` matches `re` (or the demo exits); returns its first group. */
async function waitForStory(read: () => string, re: RegExp, exited: Promise<unknown>): Promise<string> {
  let done = false;
  void exited.then(() => (done = true));
  for (;;) {
    const m = re.exec(read());
    if (m?.[1]) return m[1];
    if (done) throw new Error(`the demo ended before its story said ${re}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Signs in to the running demo's dashboard, opens the cart's incident as soon as it is listed and
 * watches its page until the heal is resolved; then opens the fix's pull request and reads its
 * diff. Resolves with the heal's final state as the page showed it.
 */
async function followCartIncident(read: () => string, exited: Promise<unknown>): Promise<string> {
  const base = await waitForStory(read, /server on (http:\/\/[\d.:]+)/, exited);
  const token = await waitForStory(read, /admin token \(shown once\): (\S+)/, exited);
  mkdirSync(SHOTS, { recursive: true });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${base}/`);
    await page.getByLabel("API token").fill(token);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Overview" }).waitFor();
    await page.getByRole("link", { name: "Incidents" }).click();
    const id = await cartIncident(base, token, exited);
    const link = page.locator(`a[href="/incidents/${id}"]`);
    await link.waitFor({ timeout: 30_000 });
    await page.screenshot({ path: `${SHOTS}/incidents.png`, fullPage: true });
    await link.click();
    await page.getByRole("heading", { name: new RegExp(`Incident #${id}`) }).waitFor();
    return await followHeal(page, id);
  } finally {
    await browser.close();
  }
}

/** The id of the first incident on the cart service, polled from the API. */
async function cartIncident(base: string, token: string, exited: Promise<unknown>): Promise<number> {
  let done = false;
  void exited.then(() => (done = true));
  while (!done) {
    const res = await fetch(`${base}/api/incidents?limit=50`, { headers: { authorization: `Bearer ${token}` } });
    const { incidents } = (await res.json()) as { incidents: { id: number; services: string[] }[] };
    const found = incidents.filter((i) => i.services.includes("cart")).at(-1);
    if (found) return found.id;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("the demo ended without an incident on cart");
}

/** On the incident page: the heal goes live to resolved; then its pull request shows a diff. */
async function followHeal(page: Page, id: number): Promise<string> {
  const heal = page.locator("article.panel").first();
  await heal.waitFor({ timeout: 60_000 });
  await page.screenshot({ path: `${SHOTS}/incident-open.png`, fullPage: true });
  await heal.getByText("resolved", { exact: true }).first().waitFor({ timeout: 300_000 });
  await page.getByText(/restored in/).waitFor();
  await page.screenshot({ path: `${SHOTS}/incident-${id}-resolved.png`, fullPage: true });
  await heal.getByRole("link", { name: /shop-cart#\d+/ }).click();
  await page.getByRole("heading", { name: /shop-cart#\d+/ }).waitFor();
  const added = page.locator("pre.diff span.added").first();
  await added.waitFor();
  expect(await added.textContent()).toMatch(/^\+/);
  await page.screenshot({ path: `${SHOTS}/pull-request.png`, fullPage: true });
  // the shop's traces reach pitcrew: the gateway's calls to the cart are an edge of the graph
  await page.getByRole("link", { name: "Services", exact: true }).click();
  await page.getByRole("row").filter({ hasText: "gateway" }).filter({ hasText: "cart" }).first().waitFor();
  await page.screenshot({ path: `${SHOTS}/services.png`, fullPage: true });
  return "resolved";
}
