/**
 * The demo shop live: the four services run as real processes from real git repositories on
 * free ports, wired as the manifest says, exporting spans to a real OTLP/HTTP endpoint. Traffic
 * flows, and each latent fault really happens and leaves the evidence the healing loop reads:
 * a cart TypeError and a pricing ZeroDivisionError whose logged stacks point `analyzeStack` at
 * the faulty line, a gateway timeout naming its setting, and a bad catalog release that fails.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyzeStack } from "../../src/diagnose/index.js";
import { parseExposition, parseOtlpSpans } from "../../src/observe/index.js";
import { gitIn } from "../support/git-repo.js";

const SHOP = join(import.meta.dirname, "../../examples/shop");
const DEADLINE_MS = 30_000;

interface ServiceEntry {
  name: string;
  dir: string;
  start: string[];
  portEnv: string;
  versionEnv: string;
  health: { liveness: string; readiness: string };
  metrics: string;
  dependsOn: Record<string, string>;
}
interface Running {
  proc: ChildProcess;
  url: string;
  lines: string[];
}
const manifest = JSON.parse(readFileSync(join(SHOP, "shop.json"), "utf8")) as { services: ServiceEntry[] };

/** Polls `check` until it returns a value other than undefined/false, or throws after the deadline. */
async function eventually<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false) {
  const until = Date.now() + DEADLINE_MS;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** 1-based number of the only line of `file` containing `text`. */
function lineOf(file: string, text: string): number {
  const lines = readFileSync(file, "utf8").split("\n");
  const found = lines.flatMap((l, i) => (l.includes(text) ? [i + 1] : []));
  expect(found, `${text} in ${file}`).toHaveLength(1);
  return found[0]!;
}

const call = async (url: string, method = "GET", body?: unknown) => {
  const res = await fetch(url, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown> };
};

describe("the demo shop under traffic", () => {
  const root = mkdtempSync(join(tmpdir(), "pitcrew-shop-"));
  const running = new Map<string, Running>();
  const extra: ChildProcess[] = [];
  const exports: unknown[] = [];
  let collector: Server;
  let otlp: string;

  /** Starts a service from `dir` on a free port; resolves once it is ready. */
  async function start(service: ServiceEntry, dir: string, env: Record<string, string>): Promise<Running> {
    const proc = spawn(service.start[0]!, service.start.slice(1), {
      cwd: dir,
      env: { ...process.env, ...env, [service.portEnv]: "0", OTEL_EXPORTER_OTLP_ENDPOINT: otlp },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const lines: string[] = [];
    createInterface({ input: proc.stdout! }).on("line", (l) => lines.push(l));
    createInterface({ input: proc.stderr! }).on("line", (l) => lines.push(l));
    const port = await eventually(`${service.name} to listen`, () => {
      if (proc.exitCode !== null) throw new Error(`${service.name} exited: ${lines.join("\n")}`);
      return lines.map((l) => / listening on [\d.]+:(\d+)/.exec(l)?.[1]).find(Boolean);
    });
    const url = `http://127.0.0.1:${port}`;
    await eventually(`${service.name} to be ready`, async () => (await fetch(url + service.health.readiness)).ok);
    return { proc, url, lines };
  }

  /** Copies a service into its own git repository, as the demo does. */
  function repoOf(service: ServiceEntry): string {
    const dir = join(root, service.name);
    cpSync(join(SHOP, service.dir), dir, { recursive: true });
    gitIn(dir, "init", "--quiet", "--initial-branch=main");
    gitIn(dir, "add", "-A");
    gitIn(dir, "commit", "--quiet", "-m", `${service.name} 1.0.0`);
    return dir;
  }

  const svc = (name: string) => manifest.services.find((s) => s.name === name)!;
  const logsOf = (name: string) => running.get(name)!.lines;
  const gateway = () => running.get("gateway")!.url;

  beforeAll(async () => {
    collector = createServer(async (req, res) => {
      let text = "";
      for await (const chunk of req) text += chunk;
      if (req.url === "/v1/traces") exports.push(JSON.parse(text));
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
    await new Promise<void>((r) => collector.listen(0, "127.0.0.1", r));
    otlp = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
    for (const name of ["catalog", "pricing", "cart", "gateway"]) {
      const service = svc(name);
      const env: Record<string, string> = { [service.versionEnv]: "1.0.0" };
      for (const [dep, envName] of Object.entries(service.dependsOn)) env[envName] = running.get(dep)!.url;
      running.set(name, await start(service, repoOf(service), env));
    }
  });

  afterAll(async () => {
    const procs = [...[...running.values()].map((r) => r.proc), ...extra];
    await Promise.all(
      procs.map(
        (p) =>
          new Promise<void>((resolve) => {
            if (p.exitCode !== null || p.signalCode !== null) return resolve();
            p.once("exit", () => resolve());
            p.kill("SIGTERM");
            setTimeout(() => p.kill("SIGKILL"), 5000).unref();
          }),
      ),
    );
    collector?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("serves shoppers through the gateway", async () => {
    // catalog calls have the too-low 50 ms timeout: on a loaded machine even a quick read may miss it once
    await eventually(
      "the product list through the gateway",
      async () => (await call(`${gateway()}/api/products`)).status === 200,
    );
    const cart = await call(`${gateway()}/api/carts`, "POST");
    expect(cart.status).toBe(201);
    expect(
      (await call(`${gateway()}/api/carts/${cart.body.id}/items`, "POST", { productId: "p-1", quantity: 3 })).status,
    ).toBe(201);
    const shown = await call(`${gateway()}/api/carts/${cart.body.id}?coupon=WELCOME10`);
    expect(shown.status).toBe(200);
    expect((shown.body.quote as { total: number }).total).toBe(62.84);
  });

  it("runs the traffic generator over every journey and exits 0", async () => {
    const script = join(SHOP, "traffic/traffic.mjs");
    const args = [script, "--url", gateway(), "--rate", "20", "--duration", "3", "--json"];
    const { stdout } = await promisify(execFile)(process.execPath, args, { timeout: 60_000 });
    const summary = JSON.parse(stdout) as { requests: number; statuses: Record<string, number> };
    expect(summary.requests).toBeGreaterThan(0);
    expect(summary.statuses["2xx"]).toBeGreaterThan(0);
  });

  it("cart: a discontinued product in a cart throws a TypeError whose stack points at the faulty line", async () => {
    const { id } = (await call(`${gateway()}/api/carts`, "POST")).body;
    await call(`${gateway()}/api/carts/${id}/items`, "POST", { productId: "p-2", quantity: 1 });
    expect((await call(`${gateway()}/api/carts/${id}/items`, "POST", { productId: "p-13", quantity: 1 })).status).toBe(
      201,
    );
    expect((await call(`${gateway()}/api/carts/${id}`)).status).toBe(502);
    expect((await call(`${running.get("cart")!.url}/carts/${id}`)).status).toBe(500);

    const line = await eventually("the cart's error log line", () =>
      logsOf("cart").find((l) => l.includes('"level":"error"') && l.includes(`"path":"/carts/${id}"`)),
    );
    const record = JSON.parse(line) as { service: string; err: { type: string; stack: string }; path: string };
    expect(record).toMatchObject({ service: "cart", path: `/carts/${id}`, err: { type: "TypeError" } });
    const analysis = await analyzeStack(line, { repo: join(root, "cart") });
    expect(analysis.trace.exception.message).toMatch(/Cannot read properties of undefined \(reading 'name'\)/);
    const file = join(root, "cart/src/cart-view.mjs");
    expect(analysis.suspects[0]).toMatchObject({ file: "src/cart-view.mjs", line: lineOf(file, "name: product.name") });
  });

  it("gateway: the recommendations route hits the too-low catalog timeout while quick routes pass", async () => {
    expect((await call(`${gateway()}/api/products/p-4/recommendations`)).status).toBe(504);
    expect((await call(`${running.get("catalog")!.url}/products/p-4/recommendations`)).status).toBe(200);
    const line = await eventually("the gateway's timeout log line", () =>
      logsOf("gateway").find((l) => l.includes("timed out after 50 ms (catalog_timeout_ms=50)")),
    );
    expect(JSON.parse(line)).toMatchObject({ level: "error", config_key: "catalog_timeout_ms", timeout_ms: 50 });
    await eventually("a quick catalog route to pass the gateway", async () => {
      return (await call(`${gateway()}/api/products/p-4`)).status === 200;
    });
  });

  it("pricing: a cart line set to 0 raises a ZeroDivisionError whose traceback points at the faulty line", async () => {
    const { id } = (await call(`${gateway()}/api/carts`, "POST")).body;
    await call(`${gateway()}/api/carts/${id}/items`, "POST", { productId: "p-6", quantity: 3 });
    expect((await call(`${gateway()}/api/carts/${id}/items/p-6`, "PUT", { quantity: 0 })).status).toBe(200);
    expect((await call(`${gateway()}/api/carts/${id}`)).status).toBe(502);

    const line = await eventually("the pricing error log line", () =>
      logsOf("pricing").find((l) => l.includes('"level": "error"') && l.includes("ZeroDivisionError")),
    );
    expect(JSON.parse(line)).toMatchObject({ service: "pricing", route: "/quote", err: { type: "ZeroDivisionError" } });
    const analysis = await analyzeStack(line, { repo: join(root, "pricing") });
    expect(analysis.trace.language).toBe("python");
    expect(analysis.trace.exception.type).toBe("ZeroDivisionError");
    const file = join(root, "pricing/pricing/quotes.py");
    expect(analysis.suspects[0]).toMatchObject({
      file: "pricing/quotes.py",
      line: lineOf(file, "discount / quantity"),
    });
  });

  it("catalog: the prepared bad release, deployed beside the good one, fails where 1.0.0 does not", async () => {
    const dir = join(root, "catalog");
    gitIn(dir, "apply", ".pitcrew/bad-release.patch");
    gitIn(dir, "add", "-A");
    gitIn(dir, "commit", "--quiet", "-m", "catalog: show stock levels on product pages");
    const canary = await start(svc("catalog"), dir, { SERVICE_VERSION: "1.1.0" });
    extra.push(canary.proc);
    const stable = running.get("catalog")!.url;
    const ids = Array.from({ length: 12 }, (_, i) => `p-${i + 1}`);
    const canaryStatuses = await Promise.all(ids.map(async (p) => (await call(`${canary.url}/products/${p}`)).status));
    const stableStatuses = await Promise.all(ids.map(async (p) => (await call(`${stable}/products/${p}`)).status));
    expect(stableStatuses.every((s) => s === 200)).toBe(true);
    expect(canaryStatuses.filter((s) => s === 500)).toHaveLength(1); // 1 of 12 products: ~8 % of product views
    const line = await eventually("the canary's error log", () => canary.lines.find((l) => l.includes("TypeError")));
    expect(JSON.parse(line).err.stack).toMatch(/stock\.mjs/);
    const metrics = parseExposition(await (await fetch(`${canary.url}/metrics`)).text());
    const failed = metrics.samples.find(
      (s) =>
        s.labels.__name__ === "http_requests_total" && s.labels.route === "/products/:id" && s.labels.status === "500",
    );
    expect(failed?.value).toBe(1);
    expect(metrics.samples.find((s) => s.labels.__name__ === "build_info")?.labels.version).toBe("1.1.0");
  });

  it("exposes Prometheus metrics on every service", async () => {
    for (const [name, r] of running) {
      const text = await (await fetch(r.url + svc(name).metrics)).text();
      const exposition = parseExposition(text);
      expect(exposition.families.get("http_requests_total")?.type, name).toBe("counter");
      expect(exposition.families.get("http_request_duration_seconds")?.type, name).toBe("histogram");
      const requests = exposition.samples.filter((s) => s.labels.__name__ === "http_requests_total");
      expect(requests.length, name).toBeGreaterThan(0);
      for (const s of requests)
        expect(Object.keys(s.labels).sort(), name).toEqual(["__name__", "method", "route", "status"]);
      expect(exposition.samples.some((s) => s.labels.__name__ === "http_request_duration_seconds_bucket")).toBe(true);
    }
  });

  it("exports OTLP spans from every service, with the trace context carried across calls", async () => {
    const spans = await eventually("spans of all four services", () => {
      const all = exports.flatMap((body) => parseOtlpSpans(body));
      const services = new Set(all.map((s) => s.service));
      return ["gateway", "catalog", "cart", "pricing"].every((s) => services.has(s)) ? all : undefined;
    });
    const byTrace = new Map<string, Set<string>>();
    for (const s of spans) byTrace.set(s.traceId, (byTrace.get(s.traceId) ?? new Set()).add(s.service));
    expect([...byTrace.values()].some((services) => services.has("gateway") && services.has("pricing"))).toBe(true);
    expect([...byTrace.values()].some((services) => services.has("cart") && services.has("catalog"))).toBe(true);
  });
});
