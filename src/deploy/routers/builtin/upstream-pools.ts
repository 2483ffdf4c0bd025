/**
 * Keep-alive connection pools of the built-in router, one per upstream address (`host:port`),
 * shared by every environment that routes to it. A routing table holds its pools directly, so a
 * request finds its connection pool without a lookup. `retain` closes the pools no table uses
 * any more: gracefully, so requests already sent on them finish.
 */
import { Pool } from "undici";

/** Connections per upstream; further requests wait in the pool's queue (as node's agent did). */
export const CONNECTIONS_PER_UPSTREAM = 256;

/** Idle time after which a pooled connection is closed, unless the upstream asked for less. */
export const IDLE_CONNECTION_MS = 60_000;

/** How long an upstream may take to start answering (status and headers) before the client gets a 502. */
export const ANSWER_HEADERS_TIMEOUT_MS = 300_000;

/** The pools of one router. */
export class UpstreamPools {
  readonly #byAddress = new Map<string, Pool>();

  /** The pool of `address` (`host:port`), created on first use. */
  get(address: string): Pool {
    let pool = this.#byAddress.get(address);
    if (!pool) {
      pool = new Pool(`http://${address}`, {
        connections: CONNECTIONS_PER_UPSTREAM,
        keepAliveTimeout: IDLE_CONNECTION_MS,
        // A slow answer is the canary's finding, so the limit is generous; but an upstream that
        // never answers must not hold every connection (and queue every later request) forever:
        // past it the client gets a 502. A streaming body has no limit.
        headersTimeout: ANSWER_HEADERS_TIMEOUT_MS,
        bodyTimeout: 0,
      });
      this.#byAddress.set(address, pool);
    }
    return pool;
  }

  /** Closes (gracefully) the pools of addresses not in `inUse`. */
  retain(inUse: Set<string>): void {
    for (const [address, pool] of this.#byAddress) {
      if (inUse.has(address)) continue;
      this.#byAddress.delete(address);
      void pool.close().catch(() => undefined);
    }
  }

  /** Destroys every pool, cutting requests in flight. */
  async close(): Promise<void> {
    const pools = [...this.#byAddress.values()];
    this.#byAddress.clear();
    await Promise.all(pools.map((p) => p.destroy().catch(() => undefined)));
  }
}
