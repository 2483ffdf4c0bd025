/**
 * Proxy benchmark: throughput and added p99 latency of the built-in router vs. nginx vs. going
 * straight to the backend, with the same load generator (autocannon) and the same backend
 * (`backend.ts`), each server in its own process. Run: `npx tsx bench/proxy/run.ts [seconds]`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { freePort } from "../../src/common/free-port.js";
import { createNginxRouter } from "../../src/deploy/routers/nginx/nginx-router.js";

const seconds = Number(process.argv[2] ?? 10);
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
async function measure(url: string, connections: number, rate?: number) {
  const r = await autocannon({ url, connections, duration: seconds, overallRate: rate, pipelining: 1 });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx };
}

const backendPort = await freePort();
const builtinPort = await freePort();
const backend = await startTs("./backend.ts", { PORT: String(backendPort) });
const builtin = await startTs("./builtin-proxy.ts", {
  PORT: String(builtinPort),
  UPSTREAM: `127.0.0.1:${backendPort}`,
});
const nginx = await createNginxRouter();
try {
  await nginx.setBackends("bench", [{ releaseId: "bench", weight: 100, upstreams: [`127.0.0.1:${backendPort}`] }]);
  const cases = {
    direct: `http://127.0.0.1:${backendPort}/`,
    builtin: `http://127.0.0.1:${builtinPort}/`,
    nginx: `${nginx.url("bench")}/`,
  };
  const results: Record<
    string,
    { throughput: Awaited<ReturnType<typeof measure>>; fixed: Awaited<ReturnType<typeof measure>> }
  > = {};
  for (const [name, url] of Object.entries(cases)) {
    await measure(url, 10); // warm-up, discarded
    const throughput = await measure(url, 50);
    const fixed = await measure(url, 20, 1000);
    results[name] = { throughput, fixed };
    console.log(name, JSON.stringify(results[name]));
  }
  const r = (n: string) => results[n] as (typeof results)[string];
  console.log("\n| case | req/s (50 conns) | p99 ms (50 conns) | p50 / p99 ms at 1,000 req/s | errors |");
  console.log("| --- | --- | --- | --- | --- |");
  for (const n of Object.keys(cases)) {
    const x = r(n);
    console.log(
      `| ${n} | ${Math.round(x.throughput.rps)} | ${x.throughput.p99} | ${x.fixed.p50} / ${x.fixed.p99} | ${x.throughput.errors + x.fixed.errors} |`,
    );
  }
  console.log(`\nbuiltin / nginx throughput: ${(r("builtin").throughput.rps / r("nginx").throughput.rps).toFixed(2)}`);
  console.log(`builtin / direct throughput: ${(r("builtin").throughput.rps / r("direct").throughput.rps).toFixed(2)}`);
  console.log(
    `added p99 at 1,000 req/s: builtin ${r("builtin").fixed.p99 - r("direct").fixed.p99} ms, nginx ${r("nginx").fixed.p99 - r("direct").fixed.p99} ms`,
  );
} finally {
  await nginx.close();
  backend.kill();
  builtin.kill();
}
