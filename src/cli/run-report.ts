import type { Store } from "../store/index.js";
import { color, formatDuration, statusLabel, table } from "./output.js";

/** A finished run with its jobs and gates, as `pitcrew run --json` and the summary print it. */
export async function loadRunReport(store: Store, runId: number) {
  const run = await store.runs.get(runId);
  const jobs = await store.jobs.listForRun(runId);
  const steps = await store.steps.listForJobs(jobs.map((j) => j.id));
  const artifacts = await store.artifacts.listForRun(runId);
  return {
    run: {
      id: run.id,
      number: run.number,
      status: run.status,
      reason: run.reason,
      branch: run.branch,
      commit: run.commit,
      event: run.event,
      durationMs: run.finishedAt && run.startedAt ? run.finishedAt - run.startedAt : null,
    },
    jobs: jobs.map((j) => ({
      key: j.key,
      status: j.status,
      attempt: j.attempt,
      reason: j.reason,
      durationMs: j.finishedAt && j.startedAt ? j.finishedAt - j.startedAt : null,
      steps: steps
        .filter((s) => s.jobId === j.id && s.attempt === j.attempt)
        .map((s) => ({ name: s.name, status: s.status, exitCode: s.exitCode, reason: s.reason })),
    })),
    gates: (run.gateResults ?? []) as GateResult[],
    artifacts: artifacts.map((a) => ({ path: a.path, size: a.size })),
  };
}

/** The human summary table printed at the end of `pitcrew run`. */
export function formatRunReport(r: Awaited<ReturnType<typeof loadRunReport>>): string {
  const rows = r.jobs.map((j) => [
    j.key,
    statusLabel(j.status),
    formatDuration(j.durationMs),
    String(j.attempt),
    j.reason ? color.dim(j.reason) : "",
  ]);
  const out = [table(["JOB", "STATUS", "TIME", "TRY", "REASON"], rows)];
  if (r.gates.length) out.push("", formatGates(r.gates));
  if (r.artifacts.length) out.push("", `${r.artifacts.length} artifact(s) stored`);
  out.push(
    "",
    `Run #${r.run.number} ${statusLabel(r.run.status)} in ${formatDuration(r.run.durationMs)}${r.run.reason ? ` — ${r.run.reason}` : ""}`,
  );
  return out.join("\n");
}

/** A gate result as runs store it. */
export interface GateResult {
  gate: string;
  passed: boolean;
  reason: string;
}

/** The "Quality gates" block: one ✔/✖ line per gate. */
export function formatGates(gates: GateResult[]): string {
  const lines = gates.map((g) => `  ${g.passed ? color.green("✔") : color.red("✖")} ${g.gate}: ${g.reason}`);
  return [color.bold("Quality gates"), ...lines].join("\n");
}

/** The exit code a finished run gives a command: 0 success (or skipped), 130 cancelled, else 1. */
export function runExitCode(status: string): number {
  return status === "success" || status === "skipped" ? 0 : status === "cancelled" ? 130 : 1;
}
