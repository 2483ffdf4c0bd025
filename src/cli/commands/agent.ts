import { mkdir } from "node:fs/promises";
import { hostname } from "node:os";
import { resolve } from "node:path";
import { type Command, InvalidArgumentError } from "commander";
import { PROTOCOL_VERSION, startAgent } from "../../agents/index.js";
import { systemClock } from "../../common/clock.js";
import { loadConfig } from "../../common/config/load-config.js";
import { createLogger } from "../../common/logger.js";
import { parseMemorySize } from "../../pipeline/index.js";
import { createLocalExecutor } from "../../runner/index.js";
import { probeJobSandbox } from "../../app/job-sandbox.js";
import { normalizeServer } from "../api-client.js";
import { positiveInt } from "../client/option-values.js";

/** `--capacity cpus=4,memory=8g` → `{ cpus: 4, memory: 8 GiB in bytes }`. */
export function parseCapacity(value: string): { cpus?: number; memory?: number } {
  const out: { cpus?: number; memory?: number } = {};
  for (const part of value.split(",").filter(Boolean)) {
    const m = /^(cpus|memory)=(\d+(?:\.\d+)?)([kmgt]?b?)$/i.exec(part.trim());
    if (!m) throw new InvalidArgumentError(`'${part}': expected cpus=N or memory=N[k|m|g|t]`);
    if (m[1]!.toLowerCase() === "cpus") out.cpus = Number(m[2]);
    else {
      const size = /^b?$/i.test(m[3]!) ? { bytes: Math.round(Number(m[2])) } : parseMemorySize(m[2]! + m[3]!);
      if ("error" in size) throw new InvalidArgumentError(`'${part}': ${size.error}`);
      out.memory = size.bytes;
    }
  }
  return out;
}

/** `--labels a,b` → `["a", "b"]`. */
function parseLabels(value: string): string[] {
  const labels = value
    .split(",")
    .map((l) => l.trim())
    .filter(Boolean);
  for (const l of labels)
    if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(l)) throw new InvalidArgumentError(`label '${l}': use 1–64 of [A-Za-z0-9_.:-]`);
  return labels;
}

/** Most server replicas an agent is given. */
const MAX_SERVERS = 16;

/** `--server a --server b,c` → `["a", "b", "c"]` (each a server URL, trailing slash cut). */
export function collectServers(value: string, previous: string[] = []): string[] {
  const out = [...previous];
  for (const part of value.split(",").map((p) => p.trim())) {
    if (!part) continue;
    try {
      out.push(normalizeServer(part));
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message);
    }
  }
  if (out.length > MAX_SERVERS) throw new InvalidArgumentError(`at most ${MAX_SERVERS} servers`);
  return out;
}

/** `pitcrew agent`: a worker that leases jobs from a server over HTTP and runs them here. */
export function registerAgentCommand(program: Command): void {
  program
    .command("agent")
    .description("run jobs for a pitcrew server on this machine (the agent calls the server; never the reverse)")
    .option(
      "--server <url>",
      "a server's URL; repeat it or give a comma list for replicas sharing one store, tried in turn when one stops answering (default $PITCREW_SERVER, else agents.servers in the config)",
      (v: string, prev: string[]) => collectServers(v, prev),
    )
    .requiredOption(
      "--token <token>",
      "an agent token: pitcrew tokens create NAME --role agent (default $PITCREW_AGENT_TOKEN)",
      process.env.PITCREW_AGENT_TOKEN,
    )
    .option("--labels <list>", "labels this agent offers (jobs' runs-on must be among them)", parseLabels, ["linux"])
    .option("--capacity <spec>", "advertised capacity, e.g. cpus=4,memory=8g", parseCapacity, {})
    .option("--concurrency <n>", "jobs run at once", positiveInt("--concurrency"), 1)
    .option("--work-dir <dir>", "where job workspaces go", ".pitcrew-agent")
    .option("--name <name>", "name shown in `pitcrew agents`", hostname())
    .option("--poll-wait <ms>", "how long one lease request waits on the server", positiveInt("--poll-wait"), 20_000)
    .action(async (opts) => {
      const loaded = loadConfig({ file: program.opts().config });
      const servers: string[] =
        opts.server ??
        (process.env.PITCREW_SERVER
          ? collectServers(process.env.PITCREW_SERVER)
          : collectServers((loaded.config.agents.servers ?? []).join(",")));
      if (servers.length === 0)
        throw new InvalidArgumentError(
          "no server: pass --server URL (repeat it for replicas), set PITCREW_SERVER or agents.servers in the config",
        );
      const workDir = resolve(opts.workDir);
      const log = createLogger({ level: loaded.config.log.level, name: "agent" });
      const r = loaded.config.runner;
      await mkdir(workDir, { recursive: true, mode: 0o700 });
      const sandbox = await probeJobSandbox({ ...loaded, dataDir: workDir }, log, { hideHome: true })();
      const agent = startAgent({
        servers,
        token: opts.token,
        name: opts.name,
        labels: opts.labels,
        capacity: opts.capacity,
        concurrency: opts.concurrency,
        workDir,
        version: `pitcrew ${program.version()} (protocol ${PROTOCOL_VERSION})`,
        keepWorkspaces: r.keep_workspaces,
        pollWaitMs: opts.pollWait,
        executors: { local: createLocalExecutor({ killGraceMs: r.kill_grace }), sandbox },
        options: { allowUnsandboxed: r.allow_unsandboxed },
        clock: systemClock,
        log,
      });
      process.on("SIGTERM", () => agent.stop());
      process.on("SIGINT", () => agent.stop());
      await agent.done;
      process.exit(0);
    });
}
