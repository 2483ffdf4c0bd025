/**
 * Proxy benchmark: throughput, added p99 latency at a fixed rate and proxy CPU time per request
 * of the built-in router vs nginx vs going straight to the backend, with one load generator
 * (autocannon, in this process) and one backend (`backend.ts`), each server in its own process.
 *
 * Usage: npm run bench:proxy -- [--seconds 10] [--runs 3] [--baseline DIR]
 *   --baseline DIR  an earlier pitcrew checkout (e.g. `git worktree add DIR <commit>`): its
 *                   built-in router is measured as a fourth case in every run, for a before/after
 *                   ratio taken under the same load.
 *
 * Every run warms each case up (5 s at 10 connections), then measures throughput at 50
 * connections for `seconds` per case in 5 slices, the cases taking turns slice by slice (on a
 * shared machine the load changes within seconds; alternating keeps the ratios fair), with the
 * proxy's CPU time per request (from /proc, all its processes); then, case by case (the order
 * rotates from run to run), `seconds` at a fixed 1,000 req/s over 20 connections for latency.
 * Added p99 = p99 through the proxy − p99 direct in the same run. autocannon records latency in
 * whole milliseconds.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { freePort } from "../../src/common/free-port.js";
import { createNginxRouter } from "../../src/deploy/routers/nginx/nginx-router.js";
import { commandName, cpuSeconds, processTree } from "./cpu-time.js";

const option = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const seconds = Number(option("seconds") ?? 10);
const runs = Number(option("runs") ?? 3);
const baseline = option("baseline");
const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));

/** Starts a TypeScript file as a child process and waits for it to print "ready". */
async function startTs(file: string, env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", here(file)], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (c: Buffer) => c.toString().includes("ready") && resolve());
    child.once("exit", (code) => reject(new Error(`${file} exited with ${code}`)));
  });
  return child;
}

/** One autocannon run; `rate` fixes the overall request rate. */
async function load(url: string, connections: number, duration: number, rate?: number) {
  return autocannon({ url, connections, duration, overallRate: rate, pipelining: 1 });
}

interface Case {
  name: string;
  url: string;
  /** The proxy's processes (none for direct). */
  pids: () => number[];
}

/** Throughput slices per run: the cases take turns slice by slice, so a change of the machine's load hits all alike. */
const SLICES = 5;

/** Throughput at 50 connections over `seconds` in SLICES turns per case, with each proxy's CPU time per request. */
async function throughput(cases: Case[]) {
  const acc = new Map(cases.map((c) => [c.name, { requests: 0, seconds: 0, cpu: 0, errors: 0 }]));
  for (let slice = 0; slice < SLICES; slice++) {
    for (const c of cases) {
      const a = acc.get(c.name) as { requests: number; seconds: number; cpu: number; errors: number };
      const pids = c.pids();
      const cpuBefore = cpuSeconds(pids);
      const t = await load(c.url, 50, seconds / SLICES);
      a.cpu += cpuSeconds(pids) - cpuBefore;
      a.requests += t.requests.total;
      a.seconds += t.duration;
      a.errors += t.errors + t.non2xx;
      if (pids.length === 0) a.cpu = Number.NaN;
    }
  }
  return acc;
}

/** Latency at a fixed 1,000 req/s over 20 connections, after a warm-up. */
async function latency(c: Case) {
  await load(c.url, 10, 2);
  const fixed = await load(c.url, 20, seconds, 1000);
  return { p50: fixed.latency.p50, p99: fixed.latency.p99, errors: fixed.errors + fixed.non2xx };
}

const backendPort = await freePort();
const backend = await startTs("./backend.ts", { PORT: String(backendPort) });
const routers: ChildProcess[] = [];
const nginx = await createNginxRouter();
try {
  const cases: Case[] = [{ name: "direct", url: `http://127.0.0.1:${backendPort}/`, pids: () => [] }];
  const builtinCase = async (name: string, env: Record<string, string>) => {
    const port = await freePort();
    const child = await startTs("./builtin-proxy.ts", {
      ...env,
      PORT: String(port),
      UPSTREAM: `127.0.0.1:${backendPort}`,
    });
    routers.push(child);
    cases.push({ name, url: `http://127.0.0.1:${port}/`, pids: () => [child.pid as number] });
  };
  await builtinCase("builtin", {});
  await nginx.setBackends("bench", [{ releaseId: "bench", weight: 100, upstreams: [`127.0.0.1:${backendPort}`] }]);
  cases.push({
    name: "nginx",
    url: `${nginx.url("bench")}/`,
    pids: () => processTree(process.pid).filter((pid) => commandName(pid) === "nginx"),
  });
  if (baseline) await builtinCase("baseline", { ROUTER_CHECKOUT: baseline });

  const summary: string[] = [];
  for (let run = 1; run <= runs; run++) {
    const load0 = loadavg()[0] as number;
    const order = cases.map((_, i) => cases[(i + run - 1) % cases.length] as Case);
    for (const c of order) await load(c.url, 10, 5); // warm-up
    const t = await throughput(order);
    const r: Record<string, { rps: number; cpuUsPerRequest: number; p50: number; p99: number; errors: number }> = {};
    for (const c of order) {
      const a = t.get(c.name) as { requests: number; seconds: number; cpu: number; errors: number };
      const l = await latency(c);
      r[c.name] = {
        rps: a.requests / a.seconds,
        cpuUsPerRequest: (a.cpu * 1e6) / a.requests,
        ...l,
        errors: a.errors + l.errors,
      };
    }
    const load1 = loadavg()[0] as number;
    console.log(
      `\nrun ${run} (order ${order.map((c) => c.name).join(", ")}; load average ${load0.toFixed(1)} → ${load1.toFixed(1)})`,
    );
    console.log(
      "| case | req/s (50 conns) | proxy CPU µs/request | p50 / p99 ms at 1,000 req/s | added p99 | errors |",
    );
    console.log("| --- | --- | --- | --- | --- | --- |");
    const direct = r.direct as (typeof r)[string];
    for (const c of cases) {
      const x = r[c.name] as (typeof r)[string];
      const cpu = Number.isNaN(x.cpuUsPerRequest) ? "—" : x.cpuUsPerRequest.toFixed(0);
      const added = c.name === "direct" ? "—" : `${x.p99 - direct.p99} ms`;
      console.log(`| ${c.name} | ${Math.round(x.rps)} | ${cpu} | ${x.p50} / ${x.p99} | ${added} | ${x.errors} |`);
    }
    const b = r.builtin as (typeof r)[string];
    const n = r.nginx as (typeof r)[string];
    const before = r.baseline;
    summary.push(
      `run ${run}: builtin/nginx throughput ${(b.rps / n.rps).toFixed(2)}, added p99 builtin ${b.p99 - direct.p99} ms ` +
        `(nginx ${n.p99 - direct.p99} ms), CPU/request builtin/nginx ${(b.cpuUsPerRequest / n.cpuUsPerRequest).toFixed(1)}` +
        (before
          ? `; after/before throughput ${(b.rps / before.rps).toFixed(2)}, CPU/request ${(b.cpuUsPerRequest / before.cpuUsPerRequest).toFixed(2)}, baseline/nginx ${(before.rps / n.rps).toFixed(2)}`
          : "") +
        `; load ${load0.toFixed(1)} → ${load1.toFixed(1)}`,
    );
  }
  console.log(`\n${summary.join("\n")}`);
  console.log("targets: builtin/nginx throughput ≥ 0.6 and added p99 ≤ 2 ms at 1,000 req/s, in every run");
} finally {
  await nginx.close();
  backend.kill();
  for (const child of routers) child.kill();
}
