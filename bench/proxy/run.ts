/**
 * Proxy benchmark: throughput and added p99 latency of the built-in router vs. nginx vs. going
 * straight to the backend, with the same load generator (autocannon) and the same backend
 * (`backend.ts`), each server in its own process, and the CPU time (user + system, from /proc)
 * the built-in router's process spends per request. With `--baseline DIR`, the built-in router of
 * another checkout (its `src/`) runs as one more case, for a before/after ratio in the same run.
 * Run: `npx tsx bench/proxy/run.ts [seconds] [--baseline DIR]`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { freePort } from "../../src/common/free-port.js";
import { createNginxRouter } from "../../src/deploy/routers/nginx/nginx-router.js";

const args = process.argv.slice(2);
const baselineAt = args.indexOf("--baseline");
const baselineDir = baselineAt >= 0 ? args.splice(baselineAt, 2)[1] : undefined;
const seconds = Number(args[0] ?? 10);
const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));

/** CPU seconds (user + system) process `pid` used so far, from /proc (Linux). */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
}

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

/** One autocannon run; `rate` fixes the overall request rate; `pid`: the proxy whose CPU per request is read. */
async function measure(url: string, connections: number, rate?: number, pid?: number) {
  const cpuBefore = cpuSeconds(pid);
  const r = await autocannon({ url, connections, duration: seconds, overallRate: rate, pipelining: 1 });
  const cpuUsPerRequest = Math.round((1e6 * (cpuSeconds(pid) - cpuBefore)) / r.requests.total);
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.non2xx,
    cpuUsPerRequest,
  };
}

const backendPort = await freePort();
const builtinPort = await freePort();
const backend = await startTs("./backend.ts", { PORT: String(backendPort) });
const builtin = await startTs("./builtin-proxy.ts", {
  PORT: String(builtinPort),
  UPSTREAM: `127.0.0.1:${backendPort}`,
});
const baselinePort = await freePort();
const baseline =
  baselineDir === undefined
    ? undefined
    : await startTs("./builtin-proxy.ts", {
        PORT: String(baselinePort),
        UPSTREAM: `127.0.0.1:${backendPort}`,
        ROUTER_MODULE: join(resolve(baselineDir), "src/deploy/routers/builtin/builtin-router.ts"),
      });
const pids: Record<string, number | undefined> = { builtin: builtin.pid, baseline: baseline?.pid };
const nginx = await createNginxRouter();
try {
  await nginx.setBackends("bench", [{ releaseId: "bench", weight: 100, upstreams: [`127.0.0.1:${backendPort}`] }]);
  const cases: Record<string, string> = {
    direct: `http://127.0.0.1:${backendPort}/`,
    builtin: `http://127.0.0.1:${builtinPort}/`,
    ...(baseline ? { baseline: `http://127.0.0.1:${baselinePort}/` } : {}),
    nginx: `${nginx.url("bench")}/`,
  };
  const results: Record<
    string,
    { throughput: Awaited<ReturnType<typeof measure>>; fixed: Awaited<ReturnType<typeof measure>> }
  > = {};
  for (const [name, url] of Object.entries(cases)) {
    await measure(url, 10); // warm-up, discarded
    const throughput = await measure(url, 50, undefined, pids[name]);
    const fixed = await measure(url, 20, 1000);
    results[name] = { throughput, fixed };
    console.log(name, JSON.stringify(results[name]));
  }
  const r = (n: string) => results[n] as (typeof results)[string];
  console.log("\n| case | req/s (50 conns) | CPU µs/req | p99 ms (50 conns) | p50 / p99 ms at 1,000 req/s | errors |");
  console.log("| --- | --- | --- | --- | --- | --- |");
  for (const n of Object.keys(cases)) {
    const x = r(n);
    const cpu = Number.isNaN(x.throughput.cpuUsPerRequest) ? "" : x.throughput.cpuUsPerRequest;
    console.log(
      `| ${n} | ${Math.round(x.throughput.rps)} | ${cpu} | ${x.throughput.p99} | ${x.fixed.p50} / ${x.fixed.p99} | ${x.throughput.errors + x.fixed.errors} |`,
    );
  }
  console.log(`\nbuiltin / nginx throughput: ${(r("builtin").throughput.rps / r("nginx").throughput.rps).toFixed(2)}`);
  console.log(`builtin / direct throughput: ${(r("builtin").throughput.rps / r("direct").throughput.rps).toFixed(2)}`);
  console.log(
    `added p99 at 1,000 req/s: builtin ${r("builtin").fixed.p99 - r("direct").fixed.p99} ms, nginx ${r("nginx").fixed.p99 - r("direct").fixed.p99} ms`,
  );
  if (baseline) {
    console.log(
      `builtin / baseline: throughput ${(r("builtin").throughput.rps / r("baseline").throughput.rps).toFixed(2)}, CPU per request ${(r("builtin").throughput.cpuUsPerRequest / r("baseline").throughput.cpuUsPerRequest).toFixed(2)}; baseline / nginx ${(r("baseline").throughput.rps / r("nginx").throughput.rps).toFixed(2)}; added p99 baseline ${r("baseline").fixed.p99 - r("direct").fixed.p99} ms`,
    );
  }
} finally {
  await nginx.close();
  backend.kill();
  builtin.kill();
  baseline?.kill();
}
