/**
 * The demo shop as projects: each service's own test command passes on the shipped code, its
 * pipeline lints clean (the shared telemetry vendored in, as seeding does), the manifest names
 * files that exist, and the prepared bad release applies in a real git repository and still
 * passes CI (which is how it reaches production).
 */
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { lintPipeline } from "../../src/pipeline/index.js";
import { gitIn } from "../support/git-repo.js";

const run = promisify(execFile);
const SHOP = join(import.meta.dirname, "../../examples/shop");

interface ServiceEntry {
  name: string;
  dir: string;
  language: string;
  test: string[];
  start: string[];
}
interface Scenario {
  name: string;
  service: string;
  file: string;
  expectedBranch: string;
  trigger: { journey: string };
  change?: { patch: string; message: string };
  config?: { key: string; bounds: string };
}
const manifest = JSON.parse(readFileSync(join(SHOP, "shop.json"), "utf8")) as {
  services: ServiceEntry[];
  traffic: { journeys: { name: string; triggers?: string }[] };
  scenarios: Scenario[];
};

/** Runs a service's test command in `dir`; resolves its output (rejects with it when it fails). */
const runTests = (service: ServiceEntry, dir: string) =>
  run(service.test[0]!, service.test.slice(1), {
    cwd: dir,
    timeout: 120_000,
    env: { ...process.env, NODE_OPTIONS: "" },
  });

describe("the demo shop's services", () => {
  const temps: string[] = [];
  afterAll(() => {
    for (const dir of temps) rmSync(dir, { recursive: true, force: true });
  });

  it.each(manifest.services.map((s) => [s.name, s] as const))("%s passes its own tests", async (_, service) => {
    const { stdout, stderr } = await runTests(service, join(SHOP, service.dir));
    expect(`${stdout}\n${stderr}`).toMatch(service.language === "python" ? /\nOK\b/ : /# fail 0/);
  });

  it.each(manifest.services.map((s) => [s.name, s] as const))("%s has a pipeline that lints clean", (_, service) => {
    const text = readFileSync(join(SHOP, service.dir, ".pitcrew/pipeline.yaml"), "utf8");
    expect(lintPipeline(text)).toEqual([]);
    expect(text).toMatch(/junit:/);
    expect(text).toMatch(/artifacts:/);
  });

  it("names existing files, journeys and branches in every scenario", () => {
    expect(manifest.scenarios.map((s) => s.expectedBranch).sort()).toEqual([
      "config-fix",
      "pattern-fix",
      "pattern-fix-python",
      "rollback",
    ]);
    for (const s of manifest.scenarios) {
      const service = manifest.services.find((x) => x.name === s.service);
      expect(service, s.name).toBeDefined();
      const root = join(SHOP, service!.dir);
      if (s.change) expect(existsSync(join(root, s.change.patch)), s.change.patch).toBe(true);
      else expect(existsSync(join(root, s.file)), s.file).toBe(true);
      if (s.config) expect(existsSync(join(root, s.config.bounds)), s.config.bounds).toBe(true);
      expect(
        manifest.traffic.journeys.some((j) => j.name === s.trigger.journey),
        s.trigger.journey,
      ).toBe(true);
    }
  });

  it("ships a bad catalog release that applies, passes CI and breaks one product", async () => {
    const scenario = manifest.scenarios.find((s) => s.expectedBranch === "rollback")!;
    const catalog = manifest.services.find((s) => s.name === scenario.service)!;
    const dir = mkdtempSync(join(tmpdir(), "pitcrew-shop-release-"));
    temps.push(dir);
    cpSync(join(SHOP, catalog.dir), dir, { recursive: true });
    gitIn(dir, "init", "--quiet", "--initial-branch=main");
    gitIn(dir, "add", "-A");
    gitIn(dir, "commit", "--quiet", "-m", "catalog 1.0.0");
    gitIn(dir, "apply", scenario.change!.patch);
    gitIn(dir, "add", "-A");
    gitIn(dir, "commit", "--quiet", "-m", scenario.change!.message);
    expect(gitIn(dir, "show", "--stat", "HEAD")).toContain(scenario.file);
    const { stdout } = await runTests(catalog, dir);
    expect(stdout).toMatch(/# fail 0/);
  });
});
