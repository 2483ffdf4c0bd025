/**
 * The outside service's faults played against a real `pitcrew serve`, following
 * docs/onboarding.md: the forge repository is created with `pitcrew repos create` and the seeded
 * code pushed to it (`main` is left unprotected: nobody but the repair bot can open a pull request
 * on the local forge, so a protected `main` could not take the developer's commits), the project is
 * registered (`POST /api/projects`; the first poll builds and ships it), the service registered
 * for scraping at its listener (`POST /api/services`), steady traffic started,
 * then each fault is pushed as an ordinary commit and what pitcrew does is read through the CLI
 * (`pitcrew status --json`, `pitcrew heal list|show --json`) and the API (`/api/rollouts`).
 * Shared by `test/e2e/outside-service.test.ts` and `bench/heal/outside.ts`.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { gitIn } from "./git-repo.js";
import { OUTSIDE_FAULTS, type OutsideFault, pushFault, pushRevert, seedOutsideService } from "./outside-service.js";
import {
  endedRollout,
  mainHealthy,
  mainStory,
  mergedRevert,
  newHeals,
  OUTSIDE_PROJECT,
  placement,
  revertEvents,
  rolloutSteps,
  stageTimes,
  waitMainHealthy,
} from "./outside-read.js";
import { type ServeProcess, startServe, until } from "./serve-process.js";

const BIN = resolve(import.meta.dirname, "../../bin/pitcrew.js");

export { OUTSIDE_PROJECT } from "./outside-read.js";

/** The alert rule a user writes for it: over 2 % of answers 5xx for 3 s. */
const RULES = `groups:
  - name: jsonsrv
    interval: 1s
    rules:
      - alert: HighErrorRate
        expr: >-
          sum by (job) (rate(http_requests_total{status=~"5.."}[20s]))
          / sum by (job) (rate(http_requests_total[20s])) > 0.02
        for: 3s
        labels: { severity: critical }
`;

/** How one fault ended. */
export interface FaultResult {
  fault: string;
  kind: OutsideFault["kind"];
  commit: string;
  /** `fixed`: a heal resolved with its change live; `rolled-back`: the canary refused the release. */
  outcome: "fixed" | "rolled-back" | "not-healed";
  /** Alert → verified (heal) or rollout start → rolled back (canary), ms. */
  mttrMs?: number;
  /** The heal's states in order, or the rollout's message. */
  path: string[];
  pr?: string;
  /** pitcrew's merged pull request reverting a rolled-back release, e.g. `jsonsrv#2`. */
  revertPr?: string;
  /** For a canary rollback that a heal followed up: alert → that heal resolved, ms. */
  healMttrMs?: number;
  /** Time spent in each heal state (ms), from the heal's timeline. */
  stagesMs?: Record<string, number>;
  /** The steps of the rollout that shipped the change (kind and seconds), e.g. `start 1.2, setWeight 0.0, analysis 31.0`. */
  rolloutSteps?: string;
  /** Who brought `main` back to a healthy state: pitcrew's pull request or the developer's revert. */
  mainFixedBy: "pitcrew" | "developer" | "nobody";
  /** `main`'s head is live and answers the fault's requests without 5xx. */
  mainHealthy: boolean;
  note: string;
}

/** A running outside system: server, developer clone, traffic. */
export interface OutsideSystem {
  serve: ServeProcess;
  /** The forge repository's clone URL (a bare repository). */
  repoUrl: string;
  clone: string;
  url: string;
  traffic: Traffic;
  /** Runs `pitcrew <args>` against the server; returns parsed JSON when `--json` is given. */
  cli(...args: string[]): Promise<any>;
  stop(): Promise<void>;
}

/** Steady traffic against the listener, with the fault-triggering requests switched on at will. */
export interface Traffic {
  faulty: boolean;
  /** Adds a new kind of request: posts listed with their users, ≈ 8 % of requests. */
  shifted: boolean;
  /** Answers per status class since `mark()`. */
  since(mark: number): { total: number; errors: number };
  mark(): number;
  stop(): void;
}

/** The request `shifted` traffic adds: posts listed with their users (a shape the mix never has). */
export const SHIFTED_PATH = "/posts?_expand=user";

/**
 * The request mix; `faulty` adds expanded posts of a deleted user (post 8), ≈ 8 % of requests;
 * `shifted` adds lists of posts expanded with their users (a shape the mix never has), ≈ 8 %.
 */
function nextPath(i: number, faulty: boolean, shifted: boolean): string {
  if (faulty && i % 12 === 0) return "/posts/8?_expand=user";
  if (shifted && i % 12 === 6) return SHIFTED_PATH;
  const id = (i % 7) + 1;
  const kind = i % 10;
  if (kind < 2) return "/posts";
  if (kind < 5) return `/posts/${id}`;
  if (kind < 7) return `/users/${(i % 5) + 1}`;
  if (kind < 8) return "/comments";
  if (kind < 9) return `/posts?userId=${(i % 5) + 1}`;
  return `/posts/${(i % 6) + 1}?_expand=user`;
}

/** Starts `rate` requests per second against `url`. */
export function startTraffic(url: string, rate = 30): Traffic {
  const answers: Array<{ at: number; error: boolean }> = [];
  let i = 0;
  const t: Traffic = {
    faulty: false,
    shifted: false,
    mark: () => answers.length,
    since(mark) {
      const s = answers.slice(mark);
      return { total: s.length, errors: s.filter((a) => a.error).length };
    },
    stop: () => clearInterval(timer),
  };
  const timer = setInterval(() => {
    const path = nextPath(i++, t.faulty, t.shifted);
    fetch(`${url}${path}`, { signal: AbortSignal.timeout(5000) })
      .then(async (r) => {
        await r.arrayBuffer();
        answers.push({ at: Date.now(), error: r.status >= 500 });
      })
      .catch(() => answers.push({ at: Date.now(), error: true }));
    if (answers.length > 200_000) answers.splice(0, 100_000);
  }, 1000 / rate);
  return t;
}

/** Starts the server, seeds and ships the service, and starts traffic. */
export async function startOutsideSystem(opts: { serveConfig?: Record<string, unknown> } = {}): Promise<OutsideSystem> {
  const rulesDir = mkdtempSync(join(tmpdir(), "pitcrew-outside-rules-"));
  const rules = join(rulesDir, "alerts.yaml");
  writeFileSync(rules, RULES);
  const serve = await startServe({
    alerts: { rule_files: [rules], evaluation_interval: "1s" },
    ...opts.serveConfig,
  });
  const cli = (...args: string[]) =>
    new Promise<any>((res, rej) => {
      execFile(
        process.execPath,
        [BIN, ...args],
        { env: { ...process.env, PITCREW_SERVER: serve.base, PITCREW_TOKEN: serve.token, NO_COLOR: "1" } },
        (err, stdout, stderr) => {
          if (err) return rej(new Error(`pitcrew ${args.join(" ")}: ${stderr || err.message}`));
          res(args.includes("--json") ? JSON.parse(stdout) : stdout);
        },
      );
    });
  let cloneUrl: string;
  let clone: string;
  let url: string;
  try {
    const repo = (await cli(
      "repos",
      "create",
      OUTSIDE_PROJECT,
      "--description",
      "json-server 0.17.4 (npm)",
      "--json",
    )) as {
      cloneUrl: string;
    };
    cloneUrl = repo.cloneUrl;
    clone = seedOutsideService(cloneUrl);
    const created = await serve.api("POST", "/api/projects", {
      body: { name: OUTSIDE_PROJECT, repoUrl: cloneUrl, defaultBranch: "main", pollIntervalMs: 1000 },
    });
    if (created.status !== 201) throw new Error(`registering the project: ${JSON.stringify(created.body)}`);
    const head = gitIn(clone, "rev-parse", "HEAD");
    url = await until(
      async () => {
        const p = await placement(cli);
        return p?.live?.commit === head && p.url ? (p.url as string) : undefined;
      },
      240_000,
      "the first release to go live",
    );
    const registered = await serve.api("POST", "/api/services", {
      body: {
        name: OUTSIDE_PROJECT,
        metricsUrl: `${url}/metrics`,
        scrapeIntervalMs: 1000,
        repository: OUTSIDE_PROJECT,
      },
    });
    if (registered.status >= 300) throw new Error(`registering the service: ${JSON.stringify(registered.body)}`);
  } catch (err) {
    await serve.stop();
    rmSync(rulesDir, { recursive: true, force: true });
    throw err;
  }
  const traffic = startTraffic(url);
  return {
    serve,
    repoUrl: cloneUrl,
    clone,
    url,
    traffic,
    cli,
    async stop() {
      traffic.stop();
      await serve.stop();
      rmSync(clone, { recursive: true, force: true });
      rmSync(rulesDir, { recursive: true, force: true });
    },
  };
}

/**
 * Fault (a): pushed, shipped, then clients start expanding posts with their user. Waits for the
 * heal of the incident that opens and reads its outcome through the CLI.
 */
export async function playCrash(sys: OutsideSystem, fault: OutsideFault, ms = 300_000): Promise<FaultResult> {
  const commit = pushFault(sys.clone, fault);
  const rollout = await endedRollout(sys, commit, 180_000);
  const base: FaultResult = {
    fault: fault.name,
    kind: fault.kind,
    commit,
    outcome: "not-healed",
    path: [],
    mainFixedBy: "nobody",
    mainHealthy: false,
    note: "",
  };
  if (rollout.state !== "succeeded")
    return { ...base, note: `the release did not go live: ${rollout.state} ${rollout.message ?? ""}` };
  const before = new Set(
    ((await sys.cli("heal", "list", "--service", OUTSIDE_PROJECT, "--json")) as any).heals.map((h: any) => h.id),
  );
  sys.traffic.faulty = true;
  const heal = await until(
    async () => {
      const list = (await sys.cli("heal", "list", "--service", OUTSIDE_PROJECT, "--json")) as any;
      const h = (list.heals as any[]).find((x: any) => !before.has(x.id));
      return h && ["resolved", "escalated", "failed"].includes(h.state) ? h : undefined;
    },
    ms,
    `the heal of ${fault.name}`,
  ).catch((err: Error) => ({ state: "timeout", reason: err.message }) as any);
  const shown = heal.id ? await sys.cli("heal", "show", String(heal.id), "--json") : heal;
  const path = (shown.timeline ?? []).map((e: any) => e.to);
  const pr = (shown.timeline ?? []).map((e: any) => e.data?.pr).find(Boolean);
  const stagesMs = stageTimes(shown.timeline ?? []);
  if (heal.state !== "resolved")
    return {
      ...base,
      path,
      stagesMs,
      note: `heal ${heal.state}: ${shown.reason ?? ""}`,
      mainHealthy: await mainHealthy(sys),
    };
  const healthy = await waitMainHealthy(sys, 120_000).catch(() => false as const);
  return {
    ...base,
    rolloutSteps: await rolloutSteps(sys, gitIn(sys.repoUrl, "rev-parse", "main")),
    outcome: "fixed",
    mttrMs: shown.mttrMs ?? undefined,
    path,
    pr: pr ? `${OUTSIDE_PROJECT}#${typeof pr === "object" ? pr.number : pr}` : undefined,
    stagesMs,
    mainFixedBy: "pitcrew",
    mainHealthy: healthy === true,
    note: shown.reason ?? "",
  };
}

/**
 * Faults (b) and (c): pushed and shipped; the canary must take the release out of traffic, by its
 * own analysis or by a heal's rollback when the errors opened an incident first. When a heal
 * started, it is waited for; then pitcrew's pull request reverting the release must be merged
 * (by the release reverter, or the heal that follows it). Only when neither fixed `main` does
 * the developer revert the change, and the revert ships.
 */
export async function playBadRelease(sys: OutsideSystem, fault: OutsideFault): Promise<FaultResult> {
  const known = new Set((await newHeals(sys, new Set())).map((h) => h.id as number));
  const commit = pushFault(sys.clone, fault);
  const rollout = await endedRollout(sys, commit, 240_000);
  const rolledBack = rollout.state === "rolled_back";
  const mttrMs = rolledBack
    ? Date.parse(rollout.finishedAt ?? rollout.updatedAt) - Date.parse(rollout.createdAt)
    : undefined;
  // the alert's window (20 s) may still open an incident for the errors the canary served
  await new Promise((r) => setTimeout(r, 25_000));
  const started = (await newHeals(sys, known))[0];
  const heal = started
    ? await until(
        async () => {
          const h = (await newHeals(sys, known)).find((x) => x.id === started.id);
          return h && ["resolved", "escalated", "failed"].includes(h.state) ? h : undefined;
        },
        300_000,
        `the heal of ${fault.name}`,
      ).catch(() => undefined)
    : undefined;
  const shown = heal ? await sys.cli("heal", "show", String(heal.id), "--json") : undefined;
  const revertPr = rolledBack ? await mergedRevert(sys, commit, 300_000) : undefined;
  const revertStory = rolledBack && !revertPr ? `; no revert merged: ${await revertEvents(sys, rollout.id)}` : "";
  const fixedByPitcrew = revertPr !== undefined || shown?.state === "resolved";
  if (!fixedByPitcrew) pushRevert(sys.clone, commit);
  const healthy = await waitMainHealthy(sys, 240_000).catch(() => false as const);
  return {
    fault: fault.name,
    kind: fault.kind,
    commit,
    outcome: rolledBack ? "rolled-back" : "not-healed",
    mttrMs,
    path: shown ? (shown.timeline as any[]).map((e) => e.to) : [rollout.state],
    ...(shown ? { stagesMs: stageTimes(shown.timeline), healMttrMs: shown.mttrMs ?? undefined } : {}),
    rolloutSteps: await rolloutSteps(sys, commit),
    ...(revertPr ? { revertPr } : {}),
    mainFixedBy: fixedByPitcrew ? "pitcrew" : "developer",
    mainHealthy: healthy === true,
    note: `${rollout.message ?? ""}${shown ? `; heal ${shown.state}${shown.reason ? `: ${shown.reason}` : ""}` : ""}${revertStory}${healthy === true ? "" : `; ${await mainStory(sys)}`}`,
  };
}

/** Plays every fault in order on one system. */
export async function playAllFaults(sys: OutsideSystem): Promise<FaultResult[]> {
  const [crash, badRelease, badConfig] = OUTSIDE_FAULTS as [OutsideFault, OutsideFault, OutsideFault];
  const out = [await playCrash(sys, crash)];
  out.push(await playBadRelease(sys, badRelease));
  out.push(await playBadRelease(sys, badConfig));
  return out;
}
