import type { Command } from "commander";
import { loadConfig } from "../../common/config/load-config.js";
import { STATUSES, type Run } from "../../store/index.js";
import { apiJson, type ClientOptions, clientOptions, configuredServer, type ServerTarget } from "../api-client.js";
import { oneOf, positiveInt, requirePositiveInt, UsageError } from "../client/option-values.js";
import { localStoreDirs, openLocalStore } from "../local-runs.js";
import { formatDuration, statusLabel, table } from "../output.js";
import { registerRunsWhyCommand } from "./runs-why.js";

interface RunsOptions extends ClientOptions {
  project?: string;
  status?: string;
  branch?: string;
  limit: number;
  cursor?: string;
  json?: boolean;
}

/** A run as `runs` lists it, from the API or a local store. */
interface RunRow {
  id: number | string;
  ref: string;
  status: string;
  event: string;
  branch: string;
  commit: string;
  durationMs: number | null;
  createdAt: string;
}

/**
 * `pitcrew runs`: recent runs, newest first — the server's (through its API) when one is
 * configured, else this user's local runs (`pitcrew run`, every repository). Also `runs why`.
 */
export function registerRunsCommand(program: Command): void {
  const runs = clientOptions(
    program
      .command("runs")
      .description("list recent runs, newest first (the server's, else your local runs)")
      .option("--project <name>", "only this project")
      .option("--status <status>", `only runs with this status (${STATUSES.join(", ")})`, oneOf("--status", STATUSES))
      .option("--branch <branch>", "only runs of this branch")
      .option("-n, --limit <n>", "how many (1-500)", positiveInt("--limit"), 20)
      .option("--cursor <cursor>", "the next page: the cursor the previous page printed")
      .option("--json", "print JSON ({runs, next})"),
  ).action(async (opts: RunsOptions) => {
    if (opts.limit > 500) throw new UsageError("--limit must be at most 500");
    const target = configuredServer(opts);
    const page = target ? await serverRuns(target, opts) : await localRuns(program.opts().config, opts);
    if (opts.json) return void process.stdout.write(`${JSON.stringify(page, null, 2)}\n`);
    const rows = page.runs.map((r) => [
      ...(target ? [String(r.id)] : []),
      r.ref,
      statusLabel(r.status),
      r.event,
      r.branch,
      r.commit.slice(0, 10),
      formatDuration(r.durationMs),
      r.createdAt.replace("T", " ").slice(0, 19),
    ]);
    const header = [...(target ? ["ID"] : []), "RUN", "STATUS", "EVENT", "BRANCH", "COMMIT", "TIME", "CREATED"];
    process.stdout.write(`${rows.length ? table(header, rows) : target ? "no runs" : "no local runs"}\n`);
    if (page.next) process.stdout.write(`more: pitcrew runs --cursor ${page.next}\n`);
  });
  registerRunsWhyCommand(runs);
}

async function serverRuns(target: ServerTarget, opts: RunsOptions): Promise<{ runs: RunRow[]; next: string | null }> {
  if (opts.cursor !== undefined) requirePositiveInt("--cursor", opts.cursor);
  const q = new URLSearchParams({ limit: String(opts.limit) });
  for (const key of ["project", "status", "branch"] as const) if (opts[key]) q.set(key, String(opts[key]));
  if (opts.cursor) q.set("before", opts.cursor);
  const page = (await apiJson(target, "GET", `/api/runs?${q}`)) as { runs: ApiRun[]; next: string | null };
  const names = new Map<number, string>();
  const projects = (await apiJson(target, "GET", "/api/projects")) as { projects: { id: number; name: string }[] };
  for (const p of projects.projects) names.set(p.id, p.name);
  const last = page.runs.at(-1);
  return {
    runs: page.runs.map((r) => ({
      id: r.id,
      ref: `${names.get(r.projectId) ?? r.projectId}#${r.number}`,
      status: r.status,
      event: r.event,
      branch: r.branch,
      commit: r.commit,
      durationMs: r.finishedAt && r.startedAt ? Date.parse(r.finishedAt) - Date.parse(r.startedAt) : null,
      createdAt: r.createdAt,
    })),
    next: page.next && last ? String(last.id) : null,
  };
}

interface ApiRun {
  id: number;
  projectId: number;
  number: number;
  status: string;
  event: string;
  branch: string;
  commit: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** Local runs of every repository, merged newest first; the cursor is how many were shown before. */
async function localRuns(configFile: string | undefined, opts: RunsOptions) {
  const skip = opts.cursor === undefined ? 0 : requirePositiveInt("--cursor", opts.cursor);
  const want = skip + opts.limit;
  const rows: (RunRow & { at: number })[] = [];
  for (const dir of localStoreDirs(loadConfig({ file: configFile }).dataDir)) {
    const local = await openLocalStore(dir);
    try {
      const names = new Map((await local.store.projects.list()).map((p) => [p.id, p.name]));
      const project = opts.project ? [...names].find(([, n]) => n === opts.project)?.[0] : undefined;
      if (opts.project && project === undefined) continue;
      const runs = await local.store.runs.list({
        projectId: project,
        status: opts.status as Run["status"] | undefined,
        branch: opts.branch,
        limit: Math.min(want + 1, 500),
      });
      for (const r of runs) rows.push(localRow(r, `${names.get(r.projectId)}#${r.number}`));
    } finally {
      await local.close();
    }
  }
  rows.sort((a, b) => b.at - a.at);
  const runs = rows.slice(skip, want).map(({ at: _at, ...row }) => row);
  return { runs, next: rows.length > want ? String(want) : null };
}

function localRow(r: Run, ref: string): RunRow & { at: number } {
  return {
    id: ref,
    ref,
    status: r.status,
    event: r.event,
    branch: r.branch,
    commit: r.commit,
    durationMs: r.finishedAt && r.startedAt ? r.finishedAt - r.startedAt : null,
    createdAt: new Date(r.createdAt).toISOString(),
    at: r.createdAt,
  };
}
