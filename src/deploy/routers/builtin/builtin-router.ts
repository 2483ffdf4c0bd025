/**
 * The built-in traffic router: one node:http listener per environment on 127.0.0.1 (or the
 * given host). Each environment holds an immutable routing table; `setBackends` swaps it in one
 * assignment, so a request uses the table it started with and in-flight requests are never
 * dropped by a switch. Releases are picked by smooth weighted round-robin, upstreams of a
 * release by plain round-robin; upstream connections are pooled by a keep-alive agent. A
 * retryable request whose attempt fails before the upstream can have read it is resent once, on a
 * fresh connection (`forward.ts`), within the table current at that moment (`retryUpstream`): to
 * the same release while that release still takes traffic, so a canary that refuses connections
 * is judged on its own failures; after a switch away from it, to the release the weights pick
 * now, so requests caught on the old release's closing connections are not lost. Unless
 * `capture` is off, each forwarded request and its answer go into an `ExchangeLog` (memory only);
 * every answered request is counted by its shape in a `TrafficShapes` book (memory only), with
 * its sender's address (`clientKey`) so one client cannot crowd the others' shapes out.
 */
import { Agent, createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { NotFoundError } from "../../../common/errors.js";
import {
  BodyTap,
  type RecordedExchange,
  ExchangeLog,
  type ExchangeLogOptions,
  KEPT_HEADERS,
  traceIdOf,
} from "../exchange-log.js";
import { clientKey } from "../client-key.js";
import { MetricsBook } from "../release-metrics.js";
import { requestShape } from "../request-shape.js";
import { TrafficShapes, type TrafficShapesOptions } from "../traffic-shapes.js";
import type { Backend, TrafficRouter } from "../traffic-router.js";
import { validateBackends } from "../validate-backends.js";
import { WeightedPicker } from "../weighted-picker.js";
import { type ForwardTap, forward, type Upstream } from "./forward.js";
import { rawHeader } from "./hop-headers.js";

/** Options of `createBuiltinRouter`. */
export interface BuiltinRouterOptions {
  /** Listen address (default 127.0.0.1). */
  host?: string;
  /** Fixed ports per env; others get a free port. */
  ports?: Record<string, number>;
  /** Sizes of the exchange log, or false to keep none (default: the log's defaults). */
  capture?: ExchangeLogOptions | false;
  /** Sizes of the request-shape book (default: its defaults). */
  shapes?: TrafficShapesOptions;
}

/** The upstreams of one release in a routing table, and which one is next. */
interface ReleaseUpstreams {
  upstreams: Upstream[];
  next: number;
}

/** A routing table: which release next, its upstreams by release id (weighted releases only). */
interface Table {
  releases: WeightedPicker<ReleaseUpstreams>;
  byRelease: Map<string, ReleaseUpstreams>;
}

/** The next upstream of `release` (round-robin). */
function nextOf(release: ReleaseUpstreams): Upstream {
  return release.upstreams[release.next++ % release.upstreams.length] as Upstream;
}

/** The next upstream of `table`: smooth weighted release, then round-robin. */
function pick(table: Table): Upstream | undefined {
  const release = table.releases.next();
  return release && nextOf(release);
}

/**
 * The upstream `table` gives the retry of an attempt failed on `failed` (`Repick`): while the
 * failed release takes traffic in `table`, another of its upstreams, or `failed` itself when
 * `sameUpstream` allows, else none; when the release is gone or weighted 0 (a switch), `pick`.
 */
function retryUpstream(table: Table, failed: Upstream, sameUpstream: boolean): Upstream | undefined {
  const release = table.byRelease.get(failed.releaseId);
  if (!release) return pick(table);
  const others = release.upstreams.filter((u) => u.address !== failed.address);
  if (others.length) return others[release.next++ % others.length];
  return sameUpstream ? release.upstreams[0] : undefined;
}

/** Creates the built-in router (see the port in `../traffic-router.ts`). */
export function createBuiltinRouter(options: BuiltinRouterOptions = {}): TrafficRouter {
  const host = options.host ?? "127.0.0.1";
  const agent = new Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64, timeout: 60_000 });
  const book = new MetricsBook();
  const log = options.capture === false ? undefined : new ExchangeLog(options.capture);
  const shapes = new TrafficShapes(options.shapes);
  const envs = new Map<string, { server: Server; table: Table }>();

  const listen = async (env: string, table: Table) => {
    const entry = { server: createServer(), table };
    entry.server.keepAliveTimeout = 65_000;
    const repick = (failed: Upstream, sameUpstream: boolean) => retryUpstream(entry.table, failed, sameUpstream);
    entry.server.on("request", (req, res) => {
      const started = performance.now();
      const upstream = pick(entry.table);
      if (!upstream) {
        res.writeHead(503).end("pitcrew: no release takes traffic\n");
        return;
      }
      const at = Date.now();
      const tap: ForwardTap | undefined = log && {
        request: new BodyTap(log.maxBodyBytes),
        response: new BodyTap(log.maxBodyBytes),
      };
      forward(req, res, agent, upstream, repick, tap, (status, answered) => {
        const latencyMs = performance.now() - started;
        const releaseId = answered.releaseId;
        book.record(releaseId, status, latencyMs);
        const contentType = rawHeader(req.rawHeaders, "content-type");
        const shape = requestShape(req.method ?? "GET", req.url ?? "/", contentType, tap?.request.text());
        shapes.record(env, shape.key, shape.route, releaseId, status, at, clientKey(req.socket.remoteAddress));
        if (log && tap) log.record(exchangeOf(env, releaseId, req, status, tap, at, latencyMs));
      });
    });
    envs.set(env, entry);
    await new Promise<void>((resolve, reject) => {
      entry.server.once("error", reject);
      entry.server.listen(options.ports?.[env] ?? 0, host, () => resolve());
    });
  };

  const entryOf = (env: string) => {
    const entry = envs.get(env);
    if (!entry) throw new NotFoundError("environment", env);
    return entry;
  };

  return {
    async setBackends(env, backends) {
      validateBackends(env, backends);
      const table = tableOf(backends);
      const entry = envs.get(env);
      if (entry) entry.table = table;
      else await listen(env, table);
    },
    port: (env) => (entryOf(env).server.address() as AddressInfo).port,
    url(env) {
      return `http://${host}:${this.port(env)}`;
    },
    metrics: async (releaseId) => book.get(releaseId),
    exchanges: log && ((keep) => log.list(keep)),
    traffic: (env, from, to) => shapes.window(env, from, to),
    samples: async (releaseId, since) => book.samples(releaseId, since),
    async close() {
      await Promise.all(
        [...envs.values()].map(
          ({ server }) =>
            new Promise<void>((resolve) => {
              server.close(() => resolve());
              server.closeAllConnections();
            }),
        ),
      );
      envs.clear();
      agent.destroy();
    },
  };
}

/** The exchange-log entry of one forwarded request. */
function exchangeOf(
  route: string,
  releaseId: string,
  req: IncomingMessage,
  status: number,
  tap: ForwardTap,
  at: number,
  latencyMs: number,
): RecordedExchange {
  const headers: Record<string, string> = {};
  let traceparent: string | undefined;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    if (name === "traceparent") traceparent ??= raw[i + 1];
    else if ((KEPT_HEADERS as readonly string[]).includes(name)) headers[name] ??= raw[i + 1] as string;
  }
  return {
    seq: 0,
    at,
    route,
    releaseId,
    method: req.method ?? "GET",
    path: req.url ?? "/",
    headers,
    requestBody: tap.request,
    status,
    responseBody: tap.response,
    contentType: tap.contentType,
    latencyMs,
    traceId: traceIdOf(traceparent),
  };
}

function upstreamOf(releaseId: string, address: string): Upstream {
  const colon = address.lastIndexOf(":");
  return { releaseId, address, host: address.slice(0, colon), port: Number(address.slice(colon + 1)) };
}

function tableOf(backends: Backend[]): Table {
  const weighted = backends
    .filter((b) => b.weight > 0)
    .map((b) => ({
      releaseId: b.releaseId,
      weight: b.weight,
      item: { upstreams: b.upstreams.map((address) => upstreamOf(b.releaseId, address)), next: 0 },
    }));
  return {
    releases: new WeightedPicker(weighted),
    byRelease: new Map(weighted.map((r) => [r.releaseId, r.item])),
  };
}
