/**
 * The healing loop on real Prometheus + Alertmanager: `pitcrew demo --prometheus` plays the cart's
 * null dereference while Prometheus scrapes the shop and evaluates its rules, Alertmanager posts
 * the alert to pitcrew, and the heal must go all the way (pull request, CI, merge, canary,
 * verified) with the alert resolved by Alertmanager. Nothing may be alerted by pitcrew's own rules.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { demoBuilt, startDemo } from "../support/demo-process.js";
import { prometheusAvailable } from "../support/prometheus.js";

const FIX_PATH = ["repairing", "pr_open", "ci_running", "merging", "deploying", "verifying", "resolved"];

describe.skipIf(!demoBuilt || !(await prometheusAvailable(true)))("pitcrew demo --prometheus", () => {
  it("heals the cart's null dereference from an Alertmanager alert to its resolution", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "pitcrew-demo-prom-"));
    try {
      const demo = startDemo(dataDir, ["--prometheus", "--scenario", "cart-null-dereference"]);
      const code = await demo.exited;
      const story = demo.story();
      const out = demo.out();
      expect(story).toMatch(/alerting on real Prometheus \(http:\/\/127\.0\.0\.1:\d+\) → Alertmanager/);
      const [result] = (JSON.parse(out) as { results: { healed: boolean; branch: string[]; pr: string }[] }).results;
      expect(result?.healed, story).toBe(true);
      expect(
        result!.branch.filter((s) => FIX_PATH.includes(s)),
        story,
      ).toEqual(FIX_PATH);
      expect(result!.pr).toMatch(/^shop-cart#\d+$/);
      expect(code, story).toBe(0);

      const db = new Database(join(dataDir, "demo", "pitcrew.db"), { readonly: true });
      try {
        const alerts = db.prepare("select name, status, source, labels from alerts").all() as {
          name: string;
          status: string;
          source: string;
          labels: string;
        }[];
        expect(alerts.filter((a) => a.source !== "alertmanager")).toEqual([]);
        const cart = alerts.filter((a) => a.name === "HighErrorRate" && JSON.parse(a.labels).job === "cart");
        expect(cart.length, JSON.stringify(alerts)).toBeGreaterThan(0);
        expect(
          cart.every((a) => a.status === "resolved"),
          JSON.stringify(cart),
        ).toBe(true);
      } finally {
        db.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    }
  }, 600_000);
});
