/** The demo shop seeded onto the local forge, and its CI green on every service. */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedShop } from "../../src/demo/seed-shop.js";
import { loadShopManifest } from "../../src/demo/shop-manifest.js";
import { BOT_USER } from "../../src/forge/index.js";
import { git, triggerRun } from "../../src/runner/index.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

const SHOP = resolve(import.meta.dirname, "../../examples/shop");

describe("demo shop on the forge", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ concurrency: 4 });
  });
  afterAll(async () => t?.dispose());

  it("seeds each service as a protected repository and project whose CI passes", async () => {
    const manifest = loadShopManifest(resolve(SHOP, "shop.json"));
    expect(manifest.services.map((s) => s.name).indexOf("gateway")).toBe(manifest.services.length - 1);
    const seeded = await seedShop(t.app, manifest, SHOP);
    expect(seeded.map((s) => s.repo).sort()).toEqual(["shop-cart", "shop-catalog", "shop-gateway", "shop-pricing"]);
    for (const s of seeded.filter((x) => x.service.shared)) {
      const logger = await git(["show", "main:src/telemetry/logger.mjs"], { cwd: t.app.forge.cloneUrl(s.repo) });
      expect(logger, `${s.repo} vendors the shop's one telemetry module`).toBe(
        readFileSync(resolve(SHOP, "telemetry/logger.mjs"), "utf8"),
      );
    }
    expect(seeded.filter((x) => x.service.shared).map((x) => x.repo)).toEqual([
      "shop-catalog",
      "shop-cart",
      "shop-gateway",
    ]);
    const again = await seedShop(t.app, manifest, SHOP);
    expect(again.map((s) => s.project.id)).toEqual(seeded.map((s) => s.project.id));

    const runs = await Promise.all(
      seeded.map(async (s) => {
        const r = await triggerRun(t.app.runner, s.project.id, {
          event: "push",
          branch: "main",
          commit: s.commit,
          triggeredBy: "demo",
        });
        return r.run!;
      }),
    );
    const statuses = await Promise.all(runs.map((r) => t.waitForRun(r.id, 180_000)));
    expect(statuses).toEqual(["success", "success", "success", "success"]);
    const artifacts = await t.app.store.artifacts.listForRun(runs[0]!.id);
    expect(artifacts.map((a) => a.path).join(" ")).toMatch(/\.tgz/);

    // main is protected: the repair bot cannot push to it
    await expect(
      t.app.forge.pushBranch("shop-cart", { branch: "main", fromWorktree: "/nonexistent", actor: BOT_USER }),
    ).rejects.toThrow(/protected/);
  }, 240_000);
});
