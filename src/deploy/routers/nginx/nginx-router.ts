/**
 * The nginx traffic router: renders `nginx.conf` (see `nginx-config.ts`) into its own prefix
 * directory, runs its own nginx master and reloads it gracefully on every `setBackends`.
 * `setBackends` resolves once a fresh connection is answered by workers of the new generation.
 * Metrics come from the access log (`access-log.ts`), attributed by upstream address.
 */
import { mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NotFoundError, PitcrewError } from "../../../common/errors.js";
import { freePort } from "../../../common/free-port.js";
import { MetricsBook } from "../release-metrics.js";
import type { Backend, TrafficRouter } from "../traffic-router.js";
import { validateBackends } from "../validate-backends.js";
import { AccessLogReader } from "./access-log.js";
import { GENERATION_PATH, renderNginxConfig } from "./nginx-config.js";
import { NGINX_BIN, NginxProcess } from "./nginx-process.js";

/** Options of `createNginxRouter`. */
export interface NginxRouterOptions {
  /** nginx binary (default `/usr/sbin/nginx`). */
  bin?: string;
  /** Prefix directory (default: a fresh temp dir, removed on close). */
  dir?: string;
  /** Listen address (default 127.0.0.1). */
  host?: string;
  /** How long to wait for nginx to start or apply a config (default 10 s). */
  applyTimeoutMs?: number;
}

/** Starts an nginx master and returns the router driving it (see the port). */
export async function createNginxRouter(options: NginxRouterOptions = {}): Promise<TrafficRouter> {
  const host = options.host ?? "127.0.0.1";
  const timeoutMs = options.applyTimeoutMs ?? 10_000;
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), "pitcrew-nginx-")));
  await mkdir(join(dir, "tmp"), { recursive: true });
  await mkdir(join(dir, "logs"), { recursive: true });
  const envs = new Map<string, { port: number; backends: Backend[] }>();
  const releaseOfAddress = new Map<string, string>();
  const book = new MetricsBook();
  const log = new AccessLogReader(join(dir, "access.log"), book, (addr) => releaseOfAddress.get(addr));
  let generation = 0;
  let queue = Promise.resolve();

  const writeConfig = async () => {
    generation += 1;
    const text = renderNginxConfig({ dir, host, generation, envs: [...envs].map(([env, e]) => ({ env, ...e })) });
    await writeFile(join(dir, "nginx.conf.new"), text);
    await rename(join(dir, "nginx.conf.new"), join(dir, "nginx.conf"));
  };
  await writeConfig();
  const nginx = new NginxProcess(options.bin ?? NGINX_BIN, dir);
  if (!(await nginx.started(timeoutMs))) {
    await nginx.stop(0);
    throw new PitcrewError("router_start_failed", "nginx did not start", { stderr: nginx.stderr });
  }

  /** Waits until the listener of every env answers the current generation. */
  const settle = async () => {
    const end = Date.now() + timeoutMs;
    for (const { port } of envs.values()) {
      while ((await generationAt(host, port)) !== String(generation)) {
        if (!nginx.running || Date.now() > end) {
          throw new PitcrewError("router_apply_failed", `nginx did not apply generation ${generation}`, {
            stderr: nginx.stderr,
          });
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  };

  const entryOf = (env: string) => {
    const e = envs.get(env);
    if (!e) throw new NotFoundError("environment", env);
    return e;
  };

  return {
    async setBackends(env, backends) {
      validateBackends(env, backends);
      const apply = async () => {
        const port = envs.get(env)?.port ?? (await freePort());
        envs.set(env, { port, backends: backends.map((b) => ({ ...b, upstreams: [...b.upstreams] })) });
        for (const b of backends) for (const u of b.upstreams) releaseOfAddress.set(u, b.releaseId);
        await writeConfig();
        nginx.reload();
        await settle();
      };
      const applied = queue.then(apply);
      queue = applied.catch(() => undefined);
      return applied;
    },
    port: (env) => entryOf(env).port,
    url: (env) => `http://${host}:${entryOf(env).port}`,
    async metrics(releaseId) {
      await log.catchUp();
      return book.get(releaseId);
    },
    async samples(releaseId, since) {
      await log.catchUp();
      return book.samples(releaseId, since);
    },
    async close() {
      await nginx.stop(2000);
      if (ownDir) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Body of `GENERATION_PATH` on a fresh connection, or undefined when it does not answer. */
function generationAt(host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = request({ host, port, path: GENERATION_PATH, agent: false, timeout: 1000 }, (res) => {
      let body = "";
      res.on("data", (c) => {
        body += c;
      });
      res.on("end", () => resolve(body));
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(undefined));
    req.end();
  });
}
