/**
 * First paint of each dashboard view on the demo's data: `pitcrew demo` (kept running after its
 * scenarios) serves the dashboard; headless Chromium loads every view cold (a fresh page, the
 * token already stored) and times navigation → the view's heading shown with its data loaded
 * (no "Loading…" left). Baseline in the same run: the sign-in page, which needs no API call. The
 * target is the issue's: under 1 s for every view.
 *
 *   npm run bench:dashboard [-- --rounds 5]
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { chromium, type Page } from "playwright-core";

const BIN = resolve(import.meta.dirname, "../../bin/pitcrew.js");
const { values } = parseArgs({ options: { rounds: { type: "string", default: "5" } } });
const rounds = Number(values.rounds);

const dataDir = mkdtempSync(join(tmpdir(), "pitcrew-bench-dash-"));
const demo = spawn(process.execPath, [BIN, "demo", "--headless", "--json", "--port", "0"], {
  env: { ...process.env, PITCREW_DATA_DIR: dataDir, NO_COLOR: "1" },
  stdio: ["ignore", "pipe", "pipe"],
});
let story = "";
let out = "";
demo.stderr.on("data", (d) => (story += d));
demo.stdout.on("data", (d) => (out += d));
const until = async (ok: () => boolean, what: string) => {
  const end = Date.now() + 600_000;
  while (!ok()) {
    if (demo.exitCode !== null || Date.now() > end) throw new Error(`no ${what}:\n${story}`);
    await new Promise((r) => setTimeout(r, 500));
  }
};
await until(() => /admin token \(shown once\): \S+/.test(story), "admin token");
const base = /server on (http:\/\/[\d.:]+)/.exec(story)![1]!;
const token = /admin token \(shown once\): (\S+)/.exec(story)![1]!;
process.stderr.write(`demo on ${base}; waiting for its scenarios to finish…\n`);
await until(() => out.includes('"results"'), "scenario results");

const api = async (path: string) =>
  (await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } })).json() as Promise<
    Record<string, { id?: number; name?: string; repo?: string; number?: number }[]>
  >;
const run = (await api("/api/runs?limit=1")).runs?.[0];
const incident = (await api("/api/incidents?limit=1")).incidents?.[0];
const rollout = (await api("/api/rollouts?limit=1")).rollouts?.[0];
const views: [string, string][] = [
  ["overview", "/"],
  ["runs", "/runs"],
  ["run", `/runs/${run?.id}`],
  ["deployments", "/deployments"],
  ["rollout", `/rollouts/${rollout?.id}`],
  ["services", "/services"],
  ["service", "/services/cart"],
  ["incidents", "/incidents"],
  ["incident", `/incidents/${incident?.id}`],
  ["pull request", "/pulls/shop-cart/1"],
];

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
/** ms from navigation to the heading shown with no "Loading…" left on the page. */
async function firstPaint(path: string, signedIn: boolean): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  if (signedIn)
    await context.addInitScript({ content: `localStorage.setItem("pitcrew.token", ${JSON.stringify(token)})` });
  const page: Page = await context.newPage();
  const started = performance.now();
  await page.goto(`${base}${path}`);
  await page.locator("h1").first().waitFor();
  await page.waitForFunction('!document.body.innerText.includes("Loading…")', undefined, { polling: 10 });
  const ms = performance.now() - started;
  await context.close();
  return ms;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
try {
  const rows: string[][] = [];
  const baseline: number[] = [];
  for (let i = 0; i < rounds; i++) baseline.push(await firstPaint("/", false));
  rows.push([
    "sign-in page (baseline, no API call)",
    `${median(baseline).toFixed(0)} ms`,
    `${Math.max(...baseline).toFixed(0)} ms`,
    "-",
  ]);
  for (const [name, path] of views) {
    const times: number[] = [];
    for (let i = 0; i < rounds; i++) times.push(await firstPaint(path, true));
    const m = median(times);
    rows.push([
      `${name} (${path})`,
      `${m.toFixed(0)} ms`,
      `${Math.max(...times).toFixed(0)} ms`,
      m < 1000 ? "met" : "NOT met",
    ]);
  }
  process.stdout.write(
    `\n${new Date().toISOString().slice(0, 10)} · ${cpus().length} cores · load ${loadavg()[0]!.toFixed(1)} · ${rounds} cold loads per view\n`,
  );
  process.stdout.write("| view | median | max | < 1 s |\n| --- | --- | --- | --- |\n");
  for (const r of rows) process.stdout.write(`| ${r.join(" | ")} |\n`);
} finally {
  await browser.close();
  demo.kill("SIGINT");
  await new Promise((r) => demo.once("exit", r));
  rmSync(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
}
