import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import type { Command } from "commander";
import { type CiEngine, createCiEngine } from "../../app/ci-engine.js";
import { loadConfig } from "../../common/config/load-config.js";
import { silentLogger } from "../../common/silent-logger.js";
import { type BusMessage, subjectKey } from "../../events/index.js";
import { cancelRun, recoverAfterCrash, startWorkers, triggerRun } from "../../runner/index.js";
import { git } from "../../runner/index.js";
import { snapshotDirectory } from "../../runner/index.js";
import { oneOf } from "../client/option-values.js";
import { localStoreDir, localStoreId } from "../local-runs.js";
import { color, statusLabel } from "../output.js";
import { formatRunReport, loadRunReport, runExitCode } from "../run-report.js";

/** The events a local run can simulate. */
const LOCAL_EVENTS = ["push", "pull_request", "manual", "cron"] as const;

/** `pitcrew run [path]`: runs a directory's pipeline here, without a server, with live progress. */
export function registerRunCommand(program: Command): void {
  program
    .command("run")
    .description("run a repository's pipeline locally (no server needed); exit code = run result")
    .argument("[path]", "repository or directory to build", ".")
    .option("--event <event>", `event to simulate: ${LOCAL_EVENTS.join(" | ")}`, oneOf("--event", LOCAL_EVENTS), "push")
    .option("--branch <name>", "branch name to report (default: the checked-out branch, else main)")
    .option("--input <key=value...>", "inputs of a manual run")
    .option("--respect-triggers", "skip the run when the pipeline's `on:` filters don't match")
    .option("-q, --quiet", "don't stream step output, only progress (and pitcrew's own) lines")
    .option("--json", "print the run report as JSON (progress goes to stderr)")
    .action(async (path: string, opts) => {
      process.exitCode = await localRun(path, { ...opts, config: program.opts().config });
    });
}

interface RunOptions {
  event: (typeof LOCAL_EVENTS)[number];
  branch?: string;
  input?: string[];
  respectTriggers?: boolean;
  quiet?: boolean;
  json?: boolean;
  config?: string;
}

async function localRun(path: string, opts: RunOptions): Promise<number> {
  const dir = resolve(path);
  if (!existsSync(dir)) throw new Error(`no such directory: ${dir}`);
  const loaded = loadConfig({ file: opts.config });
  // Each repository's local runs keep their own store under the data dir (never in the user's
  // tree), so they never disturb a server's runs nor another repository's.
  const id = localStoreId(dir);
  const dataDir = localStoreDir(loaded.dataDir, dir);
  // The snapshot is git's work in processes of its own: it runs while the engine opens the store
  // and probes the sandbox (concurrent local runs of one directory already share the snapshot repo).
  const snapshot = (async () => {
    const branch = opts.branch ?? (await currentBranch(dir)) ?? "main";
    return { branch, commit: await snapshotDirectory(dir, join(dataDir, "snapshot.git"), branch, [loaded.dataDir]) };
  })();
  snapshot.catch(() => undefined); // awaited below; an engine that fails first must not leave it unhandled
  const app = await createCiEngine(
    { ...loaded, dataDir, databaseUrl: `sqlite:${join(dataDir, "pitcrew.db")}` },
    { log: silentLogger(), localRun: true },
  );
  const out = opts.json ? process.stderr : process.stdout;
  const say = (s: string) => out.write(`${s}\n`);
  if (!app.runner.executors.sandbox) {
    say(color.yellow("bubblewrap is not usable here: the steps run unsandboxed, as you (docs/security.md)"));
  }
  try {
    if (holdLock(dataDir)) await recoverAfterCrash(app.runner);
    const { branch, commit } = await snapshot;
    const repo = join(dataDir, "snapshot.git");
    const name = `${basename(dir).replace(/[^A-Za-z0-9._-]/g, "_") || "root"}-${id}`;
    const project =
      (await app.store.projects.findByName(name)) ??
      (await app.store.projects.create({ name, repoUrl: repo, defaultBranch: branch }));

    let runId: number | undefined;
    const early: BusMessage[] = [];
    const keys = new Map<number, string>();
    const show = (m: BusMessage) => {
      if (m.kind === "log") {
        if (m.log.runId !== runId || (opts.quiet && m.log.stream !== "system")) return;
        const prefix = color.dim(`[${keys.get(m.log.jobId) ?? m.log.jobId}]`);
        say(`${prefix} ${m.log.stream === "system" ? color.dim(m.log.line) : m.log.line}`);
        return;
      }
      const e = m.event;
      if (runId === undefined || e.subject !== subjectKey({ kind: "run", id: runId })) return;
      if (e.type === "job.started") {
        const d = e.data;
        keys.set(d.jobId, d.key);
        say(`${color.blue("▶")} ${d.key}${d.attempt > 1 ? ` (attempt ${d.attempt})` : ""}`);
      } else if (e.type === "job.finished")
        say(`${statusLabel(e.data.status)} ${e.data.key}${e.data.reason ? color.dim(` — ${e.data.reason}`) : ""}`);
      else if (e.type === "job.retrying")
        say(`${color.yellow("↻")} ${e.data.key} will retry (attempt ${e.data.attempt}) — ${e.data.reason}`);
    };
    let finished!: () => void;
    const done = new Promise<void>((r) => {
      finished = r;
    });
    app.bus.subscribe((m) => {
      if (runId === undefined) return void early.push(m);
      show(m);
      if (m.kind === "event" && m.event.type === "run.finished" && m.event.data.runId === runId) finished();
    });
    await startWorkers(app.runner, { recover: false });
    say(color.dim(`building ${dir} @ ${commit.slice(0, 12)} (${branch})`));
    const result = await triggerRun(app.runner, project.id, {
      event: opts.event,
      branch,
      commit,
      inputs: parseInputs(opts.input ?? []),
      triggeredBy: "cli",
      ignoreTriggers: !opts.respectTriggers,
      // the snapshot of an unchanged tree is the same commit: the user still asked for a build
      rebuild: true,
    });
    if (!result.run) {
      say(`run skipped: ${result.skipped}`);
      return 0;
    }
    runId = result.run.id;
    for (const m of early.splice(0)) show(m);
    const onSigint = () => void cancelRun(app.runner, runId!, "ctrl-c").catch(() => {});
    process.once("SIGINT", onSigint);
    const current = await app.store.runs.get(runId);
    if (!["success", "failure", "cancelled", "skipped"].includes(current.status)) await done;
    process.off("SIGINT", onSigint);
    const report = await loadRunReport(app.store, runId);
    // a failed job is explained now, as a server would after it ends, so `runs why` can show it
    const why = report.run.status === "failure" ? await explainFailures(app, runId) : [];
    if (opts.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else {
      say(`\n${formatRunReport(report)}`);
      for (const w of why) say(w);
      if (why.length) say(color.dim(`more: pitcrew runs why ${project.name}#${report.run.number}`));
    }
    return runExitCode(report.run.status);
  } finally {
    await app.close();
  }
}

/** Explains each failed job of the run (stored, as the server does); a line per job: its class and best line. */
async function explainFailures(app: CiEngine, runId: number): Promise<string[]> {
  // loaded on failure only: a green run never pays for the failure analysis' modules
  const { explainFailedJob, runExplanation } = await import("../../failures/index.js");
  const out: string[] = [];
  for (const job of await app.store.jobs.listForRun(runId)) {
    if (job.status !== "failure") continue;
    await explainFailedJob(app, job.id);
  }
  for (const e of (await runExplanation(app.store, runId)).jobs) {
    const best = e.lines[0]?.text;
    out.push(
      `why ${e.key} failed: ${color.red(e.category)}${best ? ` — ${best.length > 160 ? `${best.slice(0, 159)}…` : best}` : ""}`,
    );
  }
  return out;
}

function parseInputs(list: string[]): Record<string, string> {
  const inputs: Record<string, string> = {};
  for (const item of list) {
    const eq = item.indexOf("=");
    if (eq <= 0) throw new Error(`--input expects key=value, got '${item}'`);
    inputs[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return inputs;
}

async function currentBranch(dir: string): Promise<string | undefined> {
  const b = await git(["rev-parse", "--abbrev-ref", "HEAD"], { cwd: dir }).catch(() => "");
  const name = b.trim();
  return name && name !== "HEAD" ? name : undefined;
}

/** Takes the local-runs lock when no live process holds it (then recovery is safe). */
function holdLock(dataDir: string): boolean {
  const file = join(dataDir, "local.lock");
  if (existsSync(file)) {
    const pid = Number(readFileSync(file, "utf8"));
    try {
      if (pid && pid !== process.pid) {
        process.kill(pid, 0);
        return false;
      }
    } catch {
      // The holder is gone: take over.
    }
  }
  writeFileSync(file, String(process.pid));
  return true;
}
