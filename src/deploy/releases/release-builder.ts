/**
 * Turns "deploy project P (run R) to environment E" into what the deploy target runs: the run
 * must have succeeded, the commit's `.pitcrew/deploy.yaml` must be valid, and the commit is
 * checked out into its own release directory. Everything is validated before anything is
 * written, so bad input deploys nothing.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { ValidationError } from "../../common/errors.js";
import { checkout, ensureMirror, git, mirrorDir } from "../../runner/index.js";
import type { ReleaseRunSpec, Run, Store } from "../../store/index.js";
import { DEPLOY_MANIFEST_PATH, type DeployManifest, parseDeployManifest } from "./deploy-manifest.js";

/** A release ready to be recorded and checked out. */
export interface ReleasePlan {
  project: string;
  run: Run;
  manifest: DeployManifest;
  /** Sync and read the manifest once more at check-out time. */
  mirror: string;
}

/** Picks the run to ship (the given one, else the project's last successful one) and reads its manifest. */
export async function planRelease(
  deps: { store: Store; dataDir: string },
  req: { project: string; runId?: number },
): Promise<ReleasePlan> {
  const project = await deps.store.projects.findByName(req.project);
  if (!project) throw new ValidationError(`unknown project ${JSON.stringify(req.project)}`);
  let run: Run | undefined;
  if (req.runId !== undefined) {
    run = await deps.store.runs.get(req.runId);
    if (run.projectId !== project.id) throw new ValidationError(`run ${req.runId} is not a run of ${project.name}`);
    if (run.status !== "success") {
      throw new ValidationError(
        `run ${req.runId} of ${project.name} is ${run.status}: only a successful run is released`,
      );
    }
  } else {
    run = await deps.store.runs.lastSuccessful(project.id, project.defaultBranch, Number.MAX_SAFE_INTEGER);
    if (!run) throw new ValidationError(`${project.name} has no successful run on ${project.defaultBranch} to release`);
  }
  const mirror = mirrorDir(deps.dataDir, project.id);
  await ensureMirror(project.repoUrl, mirror);
  const text = await git(["show", `${run.commit}:${DEPLOY_MANIFEST_PATH}`], { cwd: mirror }).catch(() => {
    throw new ValidationError(`${project.name} has no ${DEPLOY_MANIFEST_PATH} at ${run.commit.slice(0, 12)}`);
  });
  return { project: project.name, run, manifest: parseDeployManifest(text), mirror };
}

/** Where release `id` is checked out. */
export function releaseDir(dataDir: string, id: number): string {
  return join(dataDir, "releases", String(id));
}

/** What to run for the plan's release checked out into `dir` (see `checkoutRelease`). */
export function releaseRunSpec(
  plan: ReleasePlan,
  dir: string,
  ctx: { replicas?: number; env: Record<string, string> },
): ReleaseRunSpec {
  return {
    command: plan.manifest.start,
    env: ctx.env,
    cwd: join(dir, plan.manifest.dir),
    replicas: ctx.replicas ?? plan.manifest.replicas,
    health: { readinessPath: plan.manifest.health.readiness, livenessPath: plan.manifest.health.liveness },
    ...(plan.manifest.metrics ? { metricsPath: plan.manifest.metrics } : {}),
    ...(plan.manifest.build
      ? { build: { run: plan.manifest.build.run, timeoutMs: plan.manifest.build.timeout, workspace: dir } }
      : {}),
  };
}

/** Checks out the plan's commit into the release directory `dir` (afresh). */
export async function checkoutRelease(plan: ReleasePlan, dir: string): Promise<void> {
  rmSync(dir, { recursive: true, force: true });
  await checkout({ mirrorDir: plan.mirror, commit: plan.run.commit, dest: dir });
}

/**
 * Resolves `{{url:<project>}}`, `{{commit}}`, `{{release}}` and `{{environment}}` in env values;
 * an unknown project or placeholder is an error naming the variable.
 */
export function renderReleaseEnv(
  env: Record<string, string>,
  vars: { commit: string; release: number; environment: string; urlOf: (project: string) => string | undefined },
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    out[name] = value.replace(/\{\{\s*([a-z]+)(?::([A-Za-z0-9._-]+))?\s*\}\}/g, (whole, key: string, arg?: string) => {
      if (key === "commit") return vars.commit;
      if (key === "release") return String(vars.release);
      if (key === "environment") return vars.environment;
      if (key === "url" && arg) {
        const url = vars.urlOf(arg);
        if (url) return url;
        throw new ValidationError(`env ${name}: ${arg} is not deployed in ${vars.environment}`);
      }
      throw new ValidationError(`env ${name}: unknown placeholder ${whole}`);
    });
  }
  return out;
}
