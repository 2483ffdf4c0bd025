/**
 * Reading what pitcrew did with the outside service, as a user would: `pitcrew status|heal --json`
 * through the CLI and the API (`/api/releases`, `/api/rollouts`, `/api/runs`, `/api/events`, the
 * forge's pull requests). Shared by the fault players (outside-heal.ts, outside-shift.ts).
 */
import { gitIn } from "./git-repo.js";
import type { OutsideSystem } from "./outside-heal.js";
import { until } from "./serve-process.js";

/** The project (and forge repository, and service) name of the outside service. */
export const OUTSIDE_PROJECT = "jsonsrv";

/** The outside project's entry in `pitcrew status --json`. */
export async function placement(cli: OutsideSystem["cli"]): Promise<any> {
  const envs = (await cli("status", "--json")) as Array<{ projects: any[] }>;
  return envs.flatMap((e) => e.projects).find((p) => p.project === OUTSIDE_PROJECT);
}

/** The newest rollout of a release built from `commit` (via the API), once it has ended. */
export async function endedRollout(sys: OutsideSystem, commit: string, ms: number): Promise<any> {
  return until(
    async () => {
      const releases = (await sys.serve.api("GET", `/api/releases?project=${OUTSIDE_PROJECT}`)).body;
      const release = (releases.releases as any[]).find((r: any) => r.commit === commit);
      if (!release) return undefined;
      const rollouts = (await sys.serve.api("GET", `/api/rollouts?project=${OUTSIDE_PROJECT}`)).body;
      const r = (rollouts.rollouts as any[]).find((x: any) => x.releaseId === release.id);
      return r && ["succeeded", "rolled_back", "failed", "aborted"].includes(r.state) ? r : undefined;
    },
    ms,
    `the rollout of ${commit.slice(0, 8)}`,
  );
}

/** The steps of the newest rollout of `commit` with their durations (API), for where the time goes. */
export async function rolloutSteps(sys: OutsideSystem, commit: string): Promise<string> {
  const r = await endedRollout(sys, commit, 1000).catch(() => undefined);
  if (!r) return "";
  const { steps } = (await sys.serve.api("GET", `/api/rollouts/${r.id}`)).body as {
    steps: Array<{ kind: string; startedAt: string; finishedAt: string | null }>;
  };
  const secs = (s: { startedAt: string; finishedAt: string | null }) =>
    s.finishedAt ? ((Date.parse(s.finishedAt) - Date.parse(s.startedAt)) / 1000).toFixed(1) : "?";
  return steps.map((s) => `${s.kind} ${secs(s)}`).join(", ");
}

/**
 * True when `main`'s head is live and answers the faults' requests (and a few others, and `also`)
 * without 5xx. The traffic-shift fault's request (`GET /posts?_expand=user`) is checked only where
 * it is passed in `also`: sent earlier, it would be a shape the service has already seen.
 */
export async function mainHealthy(sys: OutsideSystem, also: string[] = []): Promise<boolean> {
  const head = gitIn(sys.repoUrl, "rev-parse", "main");
  const live = (await placement(sys.cli))?.live?.commit;
  if (live !== head) return false;
  for (const path of ["/posts/8?_expand=user", "/comments", "/posts/1", ...also]) {
    const r = await fetch(`${sys.url}${path}`);
    if (r.status >= 500) return false;
  }
  return true;
}

/** Where `main`'s head got to (for a result's note when it is not live and healthy): its runs and the newest rollouts (API). */
export async function mainStory(sys: OutsideSystem): Promise<string> {
  const head = gitIn(sys.repoUrl, "rev-parse", "main");
  const runs = (await sys.serve.api("GET", `/api/runs?project=${OUTSIDE_PROJECT}&limit=20`)).body.runs as any[];
  const ofHead = runs
    .filter((r: any) => r.commit === head)
    .map((r: any) => `run ${r.id} ${r.event} ${r.status}${r.reason ? ` (${r.reason})` : ""}`);
  const rollouts = ((await sys.serve.api("GET", `/api/rollouts?project=${OUTSIDE_PROJECT}`)).body.rollouts as any[])
    .slice(0, 3)
    .map((r: any) => `rollout ${r.id} ${r.kind} ${r.state}: ${String(r.message ?? "").slice(0, 160)}`);
  return `main ${head.slice(0, 8)}: ${ofHead.join(", ") || "no run"}; ${rollouts.join("; ")}`;
}

/** The rollout's `revert.*` events and the newest rollouts (API), for a result's note when no revert was merged: why not. */
export async function revertEvents(sys: OutsideSystem, rolloutId: number): Promise<string> {
  const { body } = await sys.serve.api("GET", `/api/events?subject=rollout:${rolloutId}&limit=100`);
  const reverts = ((body.events ?? []) as any[]).filter((e: any) => String(e.type).startsWith("revert."));
  const rollouts = ((await sys.serve.api("GET", `/api/rollouts?project=${OUTSIDE_PROJECT}`)).body.rollouts as any[])
    .slice(0, 6)
    .map(
      (r: any) =>
        `rollout ${r.id} ${r.kind} ${r.state} release ${r.releaseId} over ${r.baselineReleaseId}: ${String(r.message ?? "").slice(0, 120)}`,
    );
  const told = reverts.map((e: any) => {
    const range = e.data?.good ? ` ${String(e.data.good).slice(0, 8)}..${String(e.data.bad).slice(0, 8)}` : "";
    return `${e.type}${range}${e.data?.reason ? ` (${e.data.reason})` : e.data?.pr ? ` PR #${e.data.pr}` : ""}`;
  });
  return `${told.join(", ") || `no revert event on rollout ${rolloutId}`}; ${rollouts.join("; ")}`;
}

/** Waits until `main`'s head is live and healthy. */
export function waitMainHealthy(sys: OutsideSystem, ms: number, also: string[] = []): Promise<true> {
  return until(async () => mainHealthy(sys, also), ms, "main's head live and healthy");
}

/** Heals of the outside service started after `known` (ids), newest first, through the CLI. */
export async function newHeals(sys: OutsideSystem, known: Set<number>): Promise<any[]> {
  const list = (await sys.cli("heal", "list", "--service", OUTSIDE_PROJECT, "--json")) as { heals: any[] };
  return list.heals.filter((h) => !known.has(h.id));
}

/** pitcrew's merged pull request reverting `commit` (forge API), e.g. `jsonsrv#2`, once there is one. */
export function mergedRevert(sys: OutsideSystem, commit: string, ms: number): Promise<string | undefined> {
  return until(
    async () => {
      const { body } = await sys.serve.api("GET", `/api/forge/${OUTSIDE_PROJECT}/pulls?state=merged`);
      const pr = (body.pullRequests as any[]).find(
        (p: any) => p.author === "pitcrew-bot" && String(p.body).includes(`This reverts commit ${commit}`),
      );
      return pr ? `${OUTSIDE_PROJECT}#${pr.number}` : undefined;
    },
    ms,
    `pitcrew's revert of ${commit.slice(0, 8)} merged`,
  ).catch(() => undefined);
}

/** Time spent in each state of a heal's timeline (ms), keyed by the state left. */
export function stageTimes(timeline: Array<{ to: string; at: string }>): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 1; i < timeline.length; i++) {
    const from = timeline[i - 1]!;
    out[from.to] = (out[from.to] ?? 0) + Date.parse(timeline[i]!.at) - Date.parse(from.at);
  }
  return out;
}
