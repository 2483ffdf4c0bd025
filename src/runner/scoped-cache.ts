import { createHash } from "node:crypto";
import { join } from "node:path";
import { type CacheRestoreResult, createCacheStore } from "./cache.js";
import type { CacheAccess } from "./trust.js";

/** A job's view of its project's caches: the scopes its run may read and the one it may write. */
export interface ScopedCache {
  /** Restores from the readable scopes in order; the first hit wins (`scope` names where it came from). */
  restore(req: {
    key: string;
    restoreKeys: readonly string[];
    workspace: string;
  }): Promise<CacheRestoreResult & { scope?: string }>;
  /** Saves into the writable scope; `saved: false` with a reason when the run may not write. */
  save(req: {
    key: string;
    paths: readonly string[];
    workspace: string;
  }): Promise<{ saved: boolean; size: number; readOnly?: boolean }>;
}

/** The directory of one cache scope under a project's cache root (scope names are hashed: branch names are free text). */
export function scopeDir(projectCacheRoot: string, scope: string): string {
  return join(projectCacheRoot, "scopes", createHash("sha256").update(scope).digest("hex").slice(0, 32));
}

/** Opens the caches of one project (`projectCacheRoot`) with a run's `access` (runner/trust.ts). */
export function openScopedCache(projectCacheRoot: string, access: CacheAccess): ScopedCache {
  return {
    async restore(req) {
      for (const scope of access.read) {
        const hit = await createCacheStore(scopeDir(projectCacheRoot, scope)).restore({
          ...req,
          protectedOnly: access.protectedRun,
        });
        if (hit.hit !== "miss") return { ...hit, scope };
      }
      return { hit: "miss" };
    },
    async save(req) {
      if (!access.write) return { saved: false, size: 0, readOnly: true };
      return createCacheStore(scopeDir(projectCacheRoot, access.write)).save({
        ...req,
        overwrite: access.overwrite,
        protected: access.protectedRun,
      });
    },
  };
}
