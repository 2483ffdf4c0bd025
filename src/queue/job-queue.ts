/**
 * The job queue port: durable hand-off of work items from the scheduler to workers.
 *
 * Lifecycle of an item:  queued ──lease──► leased ──ack──► (removed)
 *                           ▲                 │ handler threw and attempts remain (after backoff)
 *                           └─────────────────┘ or the lease expired without a heartbeat
 *                                             └─ attempts exhausted ──► failed (last_error kept)
 * Rules:
 * - `enqueue` is idempotent per `dedupeKey`: a second enqueue with the same key is a no-op
 *   while the first item is queued or leased; an item that has failed is replaced by it (a
 *   re-add after a failure, such as the requeue pass's, must not vanish).
 * - A consumer takes at most `concurrency` items at once, only items whose labels are all among
 *   its own labels, and heartbeats each lease every `leaseMs / 3`; an item whose lease expires
 *   (crashed worker) is given to another consumer.
 * - The handler's `signal` aborts when the item is cancelled or the queue closes.
 * - A consumer whose `signal` (in its options) aborts takes no more items; the handlers it
 *   started run on (an agent that left: the server stops taking work on its behalf).
 * - `close` stops taking work and waits for running handlers to settle.
 * - While the backing service is away (Redis down or frozen), `enqueue`, `cancel` and `stats`
 *   reject with an `UnavailableError` naming it within a few seconds, never hang; `health` says
 *   what is wrong; consumers take items again by themselves once it is back.
 * Implementations: `memory` (embedded, persisted in the store) and, for scale-out, Redis/BullMQ.
 */

import type { DependencyHealth } from "../common/health.js";

/** A leased work item as a handler sees it. */
export interface QueueItem<P = unknown> {
  id: string;
  queue: string;
  payload: P;
  /** 1 on the first delivery. */
  attempt: number;
  labels: string[];
}

/** Options of `enqueue`. */
export interface EnqueueOptions {
  dedupeKey?: string;
  labels?: string[];
  /** Earliest time (epoch ms) the item may be delivered. */
  runAfter?: number;
  /** Deliveries before the item is marked failed (default 1). */
  maxAttempts?: number;
}

/** Options of a consumer. */
export interface ConsumeOptions {
  concurrency: number;
  labels: string[];
  leaseMs: number;
  /** Stops this consumer taking items (its running handlers go on). */
  signal?: AbortSignal;
}

/** Handles one item; throwing makes the queue retry it per `maxAttempts`. */
export type QueueHandler<P> = (item: QueueItem<P>, ctx: { signal: AbortSignal }) => Promise<void>;

/** Durable work queue shared by the scheduler (producer) and workers (consumers). */
export interface JobQueue {
  readonly name: string;
  enqueue(queue: string, payload: unknown, opts?: EnqueueOptions): Promise<void>;
  consume<P>(queue: string, handler: QueueHandler<P>, opts: ConsumeOptions): void;
  /** Removes a queued item or aborts its running handler; returns whether it existed. */
  cancel(dedupeKey: string): Promise<boolean>;
  /** Counts of items per state, for metrics. */
  stats(queue: string): Promise<{ queued: number; leased: number; failed: number }>;
  /** Whether the queue's backing service answers now (for `/healthz`). */
  health(): Promise<DependencyHealth>;
  close(): Promise<void>;
}
