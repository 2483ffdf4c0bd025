import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { parse as parseYaml } from "yaml";
import { apiRequest, clientOptions } from "../api-client.js";
import { color } from "../output.js";

interface RolloutView {
  id: number;
  state: string;
  message: string;
  weight: number;
  steps?: { idx: number; kind: string; status: string; detail: Record<string, unknown> }[];
}

const FINAL = new Set(["succeeded", "rolled_back", "aborted", "failed"]);

/** Polls a rollout, printing each step as it changes, until it ends; returns its final view. */
export async function followRollout(opts: Record<string, unknown>, id: number, quiet = false): Promise<RolloutView> {
  const printed = new Map<number, string>();
  for (;;) {
    const r = (await apiRequest(opts, "GET", `/api/rollouts/${id}`)) as RolloutView;
    for (const s of r.steps ?? []) {
      if (quiet || printed.get(s.idx) === s.status) continue;
      printed.set(s.idx, s.status);
      const why = s.detail.explanation ?? s.detail.error ?? s.detail.why ?? "";
      process.stdout.write(`  step ${s.idx + 1} ${s.kind.padEnd(11)} ${s.status}${why ? color.dim(`  ${why}`) : ""}\n`);
    }
    if (FINAL.has(r.state)) return r;
    await new Promise((res) => setTimeout(res, 1000));
  }
}

/** Prints a rollout's end state; exits 1 unless it succeeded. */
export function reportRollout(r: RolloutView): void {
  const label = r.state === "succeeded" ? color.green(r.state) : color.red(r.state);
  process.stdout.write(`rollout ${r.id}: ${label} — ${r.message}\n`);
  if (r.state !== "succeeded") process.exitCode = 1;
}

/** `pitcrew deploy <project> --env <env>`: ships a successful run progressively. */
export function registerDeployCommand(program: Command): void {
  clientOptions(
    program
      .command("deploy")
      .description("deploy a project's successful run to an environment (canary, blue-green, rolling or recreate)")
      .argument("<project>", "project name")
      .requiredOption("--env <environment>", "target environment, e.g. staging")
      .option("--run <id>", "the run to ship (default: the project's last successful run)")
      .option("--strategy <file>", "YAML file with a strategy overriding the environment's")
      .option("--force", "skip the promotion rule (admin token)")
      .option("--reason <text>", "why (kept in the release history)")
      .option("--no-wait", "return once the rollout has started")
      .option("--json", "print JSON"),
  ).action(async (project: string, opts) => {
    const strategy = opts.strategy ? parseYaml(readFileSync(opts.strategy, "utf8")) : undefined;
    const res = (await apiRequest(opts, "POST", `/api/environments/${encodeURIComponent(opts.env)}/deploy`, {
      project,
      run: opts.run === undefined ? undefined : Number(opts.run),
      strategy,
      force: Boolean(opts.force),
      reason: opts.reason,
    })) as { release: { id: number; commit: string }; rollout: RolloutView };
    if (!opts.wait) {
      if (opts.json) return void process.stdout.write(`${JSON.stringify(res, null, 2)}\n`);
      return void process.stdout.write(`rollout ${res.rollout.id} started (release ${res.release.id})\n`);
    }
    if (!opts.json) {
      process.stdout.write(
        `release ${res.release.id} (${res.release.commit.slice(0, 12)}) → ${opts.env}, rollout ${res.rollout.id}\n`,
      );
    }
    const done = await followRollout(opts, res.rollout.id, Boolean(opts.json));
    if (opts.json) {
      process.stdout.write(`${JSON.stringify({ release: res.release, rollout: done }, null, 2)}\n`);
      if (done.state !== "succeeded") process.exitCode = 1;
      return;
    }
    reportRollout(done);
  });
}
