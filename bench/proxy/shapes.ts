/**
 * Request-shape cost benchmark: the CPU time the built-in router spends per request on counting it
 * by shape (`requestShape` + `TrafficShapes.record`, run here in-process on typical and hostile
 * requests), against the baseline of the router's whole CPU time per forwarded request (the
 * `builtin-proxy.ts` process, read from /proc while autocannon loads it in the same run).
 * Run: `npx tsx bench/proxy/shapes.ts [seconds]`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { freePort } from "../../src/common/free-port.js";
import { requestShape } from "../../src/deploy/routers/request-shape.js";
import { TrafficShapes } from "../../src/deploy/routers/traffic-shapes.js";

const seconds = Number(process.argv[2] ?? 5);
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

/** User + system CPU time of a process so far, in µs (Linux /proc). */
function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100; // utime + stime, USER_HZ = 100
}

/** The router process's CPU µs per forwarded request of `GET /`. */
async function routerMicrosPerRequest(): Promise<number> {
  const backendPort = await freePort();
  const port = await freePort();
  const backend = await startTs("./backend.ts", { PORT: String(backendPort) });
  const router = await startTs("./builtin-proxy.ts", { PORT: String(port), UPSTREAM: `127.0.0.1:${backendPort}` });
  try {
    const url = `http://127.0.0.1:${port}/`;
    await autocannon({ url, connections: 10, duration: 2 }); // warm-up
    const before = cpuMicros(router.pid!);
    const r = await autocannon({ url, connections: 20, duration: seconds, overallRate: 2_000 });
    return (cpuMicros(router.pid!) - before) / r.requests.total;
  } finally {
    backend.kill();
    router.kill();
  }
}

/** µs per call of `f`, after a warm-up. */
function microsPerCall(n: number, f: (i: number) => void): number {
  for (let i = 0; i < Math.min(n, 2_000); i++) f(i);
  const t = performance.now();
  for (let i = 0; i < n; i++) f(i);
  return ((performance.now() - t) * 1000) / n;
}

const json = (keys: number, valueBytes: number) =>
  JSON.stringify(Object.fromEntries(Array.from({ length: keys }, (_, i) => [`field${i}`, "x".repeat(valueBytes)])));
const keysOf = (n: number) => Array.from({ length: n }, (_, i) => `k${i}`);
const typical = [
  "/",
  "/items/123?expand=reviews&page=2",
  "/cart/3f2b1c4e-1111-2222-3333-444455556666/items",
  "/v2/catalog/shoes",
];
const cases: [string, number, (i: number) => [string, string, string | undefined, string | undefined]][] = [
  ["GET / (what bench:proxy sends)", 200_000, () => ["GET", "/", undefined, undefined]],
  ["GET, typical paths and queries", 200_000, (i) => ["GET", typical[i % typical.length]!, undefined, undefined]],
  ["POST, 3-key JSON body", 200_000, () => ["POST", "/orders", "application/json", json(3, 8)]],
  ["POST, 16 KiB JSON body of 10 keys", 5_000, () => ["POST", "/orders", "application/json", json(10, 1_500)]],
  ["POST, 16 KiB JSON body of 200 keys", 5_000, () => ["POST", "/orders", "application/json", json(200, 60)]],
  [
    "hostile GET, 1,500 query keys (16 KiB)",
    5_000,
    () => [
      "GET",
      `/s?${keysOf(1_500)
        .map((k, i) => `${k}=v${i}`)
        .join("&")}`,
      undefined,
      undefined,
    ],
  ],
  [
    "hostile POST, 1,400-key JSON body (16 KiB)",
    2_000,
    () => ["POST", "/s", "application/json", JSON.stringify(Object.fromEntries(keysOf(1_400).map((k) => [k, ""])))],
  ],
];

const routerCost = await routerMicrosPerRequest();
console.log(`baseline: built-in router CPU per forwarded GET / = ${routerCost.toFixed(1)} µs\n`);
console.log("| request | shape + count µs | share of the router's CPU per request |");
console.log("| --- | --- | --- |");
const book = new TrafficShapes();
const at = Date.now();
for (const [name, n, make] of cases) {
  const requests = Array.from({ length: 16 }, (_, i) => make(i));
  const micros = microsPerCall(n, (i) => {
    const [method, url, type, body] = requests[i % requests.length]!;
    const shape = requestShape(method, url, type, body);
    book.record("bench", shape.key, shape.route, "r1", 200, at);
  });
  console.log(`| ${name} | ${micros.toFixed(2)} | ${((100 * micros) / routerCost).toFixed(1)} % |`);
}
