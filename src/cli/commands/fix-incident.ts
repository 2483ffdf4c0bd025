/**
 * `pitcrew fix --incident N`: the repair chain started from a stored incident instead of a trace
 * file. The diagnosis is the one its heal made, or one made now from the logs stored around the
 * incident; the code is the forge repository of the incident's service (a bare scratch clone) or
 * `--repo`. A proven patch becomes a pull request on `pitcrew/fix-incident-N` (one per incident:
 * a second call shows the first PR) unless `--dry-run`. The failing request captured by the
 * router lives in the server's memory, so the proof here rests on the project's own tests.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { App } from "../../app/app.js";
import { forgeRepoOf } from "../../heal/index.js";
import { NotFoundError, ValidationError } from "../../common/errors.js";
import { diagnoseIncident, type IncidentDiagnosis } from "../../diagnose/index.js";
import { defaultFixers, openFixPullRequest, type RepairResult, runRepairChain } from "../../repair/index.js";
import { git } from "../../runner/index.js";

/** What `fixIncident` was asked. */
export interface FixIncidentRequest {
  incident: number;
  /** A clone to fix instead of the service's forge repository (the patch is then only printed). */
  repo?: string;
  base?: string;
  dryRun?: boolean;
  onProgress?: (line: string) => void;
}

/** What it did. */
export interface FixIncidentResult {
  result: RepairResult;
  pr?: { repo: string; number: number; branch: string };
  note: string;
}

/** The incident's diagnosis: its heal's, else one made now from the stored logs. */
async function diagnosisOf(app: App, id: number): Promise<IncidentDiagnosis> {
  let incident: Awaited<ReturnType<App["store"]["incidents"]["get"]>>;
  try {
    incident = await app.store.incidents.get(id);
  } catch (err) {
    if (err instanceof NotFoundError) throw new ValidationError(`there is no incident ${id}`);
    throw err;
  }
  const heal = await app.store.heals.findByIncident(id);
  const stored = (heal?.data.diagnosis as { report?: IncidentDiagnosis } | undefined)?.report;
  if (stored) return stored;
  return diagnoseIncident(
    incident,
    {
      searchLogs: async (q) => (await app.store.logRecords.search(q)).records,
      recentDeploys: async () => [],
    },
    { now: incident.resolvedAt ?? app.clock.now() },
  );
}

/** Runs the chain for incident `req.incident` (see the module comment). */
export async function fixIncident(app: App, req: FixIncidentRequest): Promise<FixIncidentResult> {
  const diagnosis = await diagnosisOf(app, req.incident);
  if (!diagnosis.trace && !diagnosis.hypotheses.some((h) => h.kind === "config"))
    throw new ValidationError(
      `incident ${req.incident}: its diagnosis has neither a stack trace nor a config hypothesis to repair from (${diagnosis.summary})`,
    );
  const service = (await app.store.incidents.get(req.incident)).service;
  const target = req.repo ? undefined : await forgeRepoOf(app.store)(service);
  if (!req.repo && !target)
    throw new ValidationError(`no forge repository is known for service ${service}; give the code with --repo DIR`);
  const dir = target ? await mkdtemp(join(tmpdir(), "pitcrew-fix-")) : undefined;
  try {
    if (target && dir)
      await git(["clone", "--quiet", "--bare", "--", app.forge.cloneUrl(target.repo), dir], {
        cwd: tmpdir(),
        timeoutMs: 120_000,
      });
    const result = await runRepairChain({
      repoDir: dir ?? req.repo!,
      base: req.base ?? target?.baseBranch,
      trace: diagnosis.trace,
      diagnosis,
      fixers: defaultFixers({ llm: app.config.config.repair?.llm }),
      onProgress: req.onProgress,
    });
    if (!result.best) return { result, note: "no patch could be proven" };
    if (req.dryRun) return { result, note: "dry run: nothing was pushed" };
    if (!target) return { result, note: `${req.repo} is not a forge repository: the patch is printed above` };
    const branch = `pitcrew/fix-incident-${req.incident}`;
    const open = (await app.forge.listPullRequests({ repo: target.repo })).find((p) => p.headBranch === branch);
    const pr =
      open ??
      (await openFixPullRequest({
        forge: app.forge,
        repo: target.repo,
        baseBranch: target.baseBranch,
        result,
        candidate: result.best,
        branch,
      }));
    return {
      result,
      pr: { repo: target.repo, number: pr.number, branch },
      note: `${open ? "pull request already open" : "opened pull request"} #${pr.number} on ${target.repo} (${branch} → ${target.baseBranch})`,
    };
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}
