/**
 * Puts the demo shop on pitcrew's own forge: each service directory becomes a real git repository
 * (`shop-<service>`, branch `main` protected by pitcrew's CI check, so fixes arrive only by pull
 * request) and a project whose pipeline CI runs. The modules a service shares with the others
 * (manifest `shared`) are vendored into its repository here. Idempotent: a second call reuses what
 * exists.
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { App } from "../app/app.js";
import { CI_CHECK } from "../forge/index.js";
import { git } from "../runner/index.js";
import { snapshotDirectory } from "../runner/index.js";
import type { Project } from "../store/index.js";
import type { ShopManifest, ShopService } from "./shop-manifest.js";
import { vendorSharedModules } from "./vendor-shared-modules.js";

/** A shop service as seeded: its forge repository and CI project. */
export interface SeededService {
  service: ShopService;
  repo: string;
  project: Project;
  /** The head of `main` when seeded. */
  commit: string;
}

/** The forge repository name of a shop service. */
export const shopRepoName = (service: string) => `shop-${service}`;

/** Seeds every service of `manifest` from `shopDir` onto the app's forge and as CI projects. */
export async function seedShop(app: App, manifest: ShopManifest, shopDir: string): Promise<SeededService[]> {
  const out: SeededService[] = [];
  for (const service of manifest.services) {
    const repo = shopRepoName(service.name);
    const staging = mkdtempSync(join(tmpdir(), "pitcrew-shop-"));
    const work = mkdtempSync(join(tmpdir(), "pitcrew-shop-src-"));
    try {
      cpSync(join(shopDir, service.dir), work, { recursive: true });
      vendorSharedModules(shopDir, service, work);
      await snapshotDirectory(work, staging, "main");
      await app.forge.createRepository(repo, { fromPath: staging });
    } finally {
      rmSync(staging, { recursive: true, force: true });
      rmSync(work, { recursive: true, force: true });
    }
    await app.forge.protectBranch(repo, "main", { requiredChecks: [CI_CHECK] });
    const repoUrl = app.forge.cloneUrl(repo);
    const project =
      (await app.store.projects.findByName(repo)) ??
      (await app.store.projects.create({ name: repo, repoUrl, defaultBranch: "main" }));
    const commit = (await git(["rev-parse", "refs/heads/main"], { cwd: repoUrl })).trim();
    out.push({ service, repo, project, commit });
  }
  return out;
}
