import type { Command } from "commander";
import { apiRequest, clientOptions } from "../api-client.js";
import { table } from "../output.js";

interface EnvView {
  name: string;
  projects: {
    project: string;
    url: string | null;
    live: { id: number; commit: string; liveAt: string } | null;
    rollout: { id: number; state: string; weight: number; message: string } | null;
    pending: { runId: number; runNumber: number; commit: string; waiting: string } | null;
    replicas: { state: string }[];
  }[];
}

interface BuildView {
  releaseId: number;
  status: string;
  reason: string;
  log: string;
  startedAt: string;
  endedAt: string | null;
}

/** Prints one release's build phase: status, reason and its log tail. */
async function showBuild(opts: { json?: boolean; server?: string; token?: string }, release: string): Promise<void> {
  const b = (await apiRequest(opts, "GET", `/api/releases/${encodeURIComponent(release)}/build`)) as BuildView;
  if (opts.json) return void process.stdout.write(`${JSON.stringify(b, null, 2)}\n`);
  const head = `release ${b.releaseId} build: ${b.status}${b.reason ? ` — ${b.reason}` : ""} (started ${b.startedAt})`;
  process.stdout.write(`${head}\n${b.log}${b.log ? "\n" : ""}`);
}

/** `pitcrew status [--env <env>] [--release <id>]`: what runs where, rollouts in progress, a release's build. */
export function registerStatusCommand(program: Command): void {
  clientOptions(
    program
      .command("status")
      .description(
        "show environments: live release per project, rollouts in progress, pipeline deploys still pending, replicas, URLs",
      )
      .option("--env <environment>", "only this environment")
      .option("--release <id>", "show this release's build phase (status, reason, log)")
      .option("--json", "print JSON"),
  ).action(async (opts) => {
    if (opts.release) return showBuild(opts, opts.release);
    const { environments } = (await apiRequest(opts, "GET", "/api/environments")) as { environments: EnvView[] };
    const shown = environments.filter((e) => !opts.env || e.name === opts.env);
    if (opts.env && shown.length === 0) throw new Error(`no environment named '${opts.env}'`);
    if (opts.json) return void process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
    for (const e of shown) {
      process.stdout.write(`${e.name}\n`);
      const rows = e.projects.map((p) => [
        p.project,
        p.live ? `${p.live.id} (${p.live.commit.slice(0, 12)})` : "-",
        p.rollout ? `${p.rollout.id} ${p.rollout.state} ${p.rollout.weight}%` : "-",
        `${p.replicas.filter((r) => r.state === "ready").length}/${p.replicas.length}`,
        p.url ?? "-",
      ]);
      process.stdout.write(`${table(["project", "live release", "rollout", "ready", "url"], rows)}\n`);
      for (const p of e.projects.filter((p) => p.pending)) {
        const { runNumber, commit, waiting } = p.pending!;
        process.stdout.write(`${p.project}: run #${runNumber} (${commit.slice(0, 12)}) pending: ${waiting}\n`);
      }
    }
  });
}
