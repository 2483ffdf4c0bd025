import type { Command } from "commander";
import { sleep } from "../../common/clock.js";
import { loadConfig } from "../../common/config/load-config.js";
import { isFinished } from "../../store/index.js";
import {
  apiFetch,
  apiJson,
  type ClientOptions,
  clientOptions,
  configuredServer,
  type ServerTarget,
} from "../api-client.js";
import { requirePositiveInt, UsageError } from "../client/option-values.js";
import { readSse } from "../client/sse-reader.js";
import { findLocalRun, type LocalRun } from "../local-runs.js";
import { color } from "../output.js";
import { formatGates, type GateResult, runExitCode } from "../run-report.js";

interface LogsOptions extends ClientOptions {
  follow?: boolean;
  job?: string;
  json?: boolean;
}

/** Lines asked for per page. */
const PAGE = 5000;

/**
 * `pitcrew logs RUN [--follow]`: a run's step output, from the server's API when one is
 * configured, else from the local runs. With `--follow` it prints new lines until the run ends,
 * then the gate results, and exits with the run's result. Returns the `logs` command.
 */
export function registerLogsCommand(program: Command): Command {
  return clientOptions(
    program
      .command("logs")
      .description("print a run's logs (or mine log templates: `pitcrew logs mine`)")
      .argument("[run]", "run id (or <project>#<number> of a local run)")
      .option("-f, --follow", "print new lines until the run finishes; exit code = the run's result")
      .option("--job <key>", "only this job")
      .option("--json", "one JSON object per line"),
  ).action(async (ref: string | undefined, opts: LogsOptions) => {
    if (!ref) throw new UsageError("missing run id: pitcrew logs <run> [--follow]");
    const target = configuredServer(opts);
    const end = target
      ? await serverLogs(target, requirePositiveInt("RUN", ref), opts)
      : await localLogs(loadConfig({ file: program.opts().config }).dataDir, ref, opts);
    if (!opts.follow) return;
    if (opts.json) process.stdout.write(`${JSON.stringify({ status: end.status, gates: end.gates })}\n`);
    else {
      if (end.gates.length) process.stdout.write(`${formatGates(end.gates)}\n`);
      process.stdout.write(color.dim(`run ${ref} ${end.status}\n`));
    }
    process.exitCode = runExitCode(end.status);
  });
}

/** How a followed run ended. */
interface RunEnd {
  status: string;
  gates: GateResult[];
}

function printLine(opts: LogsOptions, job: string, line: { stream: string; line: string; seq: number }): void {
  if (opts.json) process.stdout.write(`${JSON.stringify({ job, ...line })}\n`);
  else
    process.stdout.write(`${color.dim(`[${job}]`)} ${line.stream === "system" ? color.dim(line.line) : line.line}\n`);
}

interface ApiRunDetail {
  status: string;
  gates: GateResult[] | null;
  jobs: { id: number; key: string; attempt: number }[];
}

async function serverLogs(target: ServerTarget, id: number, opts: LogsOptions): Promise<RunEnd> {
  const detail = async () => (await apiJson(target, "GET", `/api/runs/${id}`)) as ApiRunDetail;
  const run = await detail();
  const wanted = (key: string) => !opts.job || key === opts.job;
  if (!opts.follow) {
    for (const job of run.jobs.filter((j) => wanted(j.key))) {
      for (let after = 0; ; ) {
        const q = new URLSearchParams({ job: String(job.id), after: String(after), limit: String(PAGE) });
        const page = (await apiJson(target, "GET", `/api/runs/${id}/logs?${q}`)) as {
          jobs: { lines: { seq: number; stream: string; line: string }[] }[];
        };
        const lines = page.jobs[0]?.lines ?? [];
        for (const l of lines) printLine(opts, job.key, l);
        if (lines.length < PAGE) break;
        after = lines.at(-1)!.seq;
      }
    }
    return { status: run.status, gates: run.gates ?? [] };
  }
  let keys = new Map(run.jobs.map((j) => [j.id, j.key]));
  const res = await apiFetch(target, "GET", `/api/runs/${id}/logs/stream`);
  if (!res.body) throw new Error("the server's log stream has no body");
  for await (const e of readSse(res.body)) {
    if (e.event === "end") break;
    if (e.event !== "line") continue;
    const l = e.data as { jobId: number; seq: number; stream: string; line: string };
    if (!keys.has(l.jobId)) keys = new Map((await detail()).jobs.map((j) => [j.id, j.key]));
    const key = keys.get(l.jobId) ?? String(l.jobId);
    if (wanted(key)) printLine(opts, key, { seq: l.seq, stream: l.stream, line: l.line });
  }
  const end = await detail();
  return { status: end.status, gates: end.gates ?? [] };
}

async function localLogs(dataDir: string, ref: string, opts: LogsOptions): Promise<RunEnd> {
  const found: LocalRun = await findLocalRun(dataDir, ref);
  const { store } = found.local;
  try {
    const cursors = new Map<string, number>();
    for (;;) {
      const run = await store.runs.get(found.run.id);
      for (const j of (await store.jobs.listForRun(run.id)).filter((j) => !opts.job || j.key === opts.job)) {
        const k = `${j.id}:${j.attempt}`;
        for (let more = true; more; ) {
          const lines = await store.logs.list(j.id, j.attempt, cursors.get(k) ?? 0, PAGE);
          for (const l of lines) printLine(opts, j.key, l);
          if (lines.length) cursors.set(k, lines.at(-1)!.seq);
          more = lines.length === PAGE;
        }
      }
      if (!opts.follow || isFinished(run.status)) {
        return { status: run.status, gates: (run.gateResults ?? []) as GateResult[] };
      }
      await sleep(250);
    }
  } finally {
    await found.local.close();
  }
}
