/**
 * The `limits:` section of `pitcrew.yaml`: every bound the server puts on what outside input may
 * cost it (stored log lines, pipeline size, SSE buffers, JSON nesting, request rates). Each key
 * has a safe default, so a server nobody configured is already bounded.
 */
import * as z from "zod";
import { durationSchema } from "./duration-schema.js";

const count = (min: number, max: number) => z.number().int().min(min).max(max);

/** Log lines a run may store (per step, and per run across its jobs). */
const logLimitsSchema = z
  .object({
    /** Lines stored per step: the first `step_lines − step_tail_lines`, a marker, then the last `step_tail_lines`. */
    step_lines: count(10, 10_000_000).default(20_000),
    /** Of `step_lines`, how many are the step's last lines (kept in memory, written when the step ends). */
    step_tail_lines: count(0, 100_000).default(2_000),
    /** Bytes of tail lines kept in memory per step (older tail lines go first when exceeded). */
    step_tail_bytes: count(0, 64 * 1024 * 1024).default(4 * 1024 * 1024),
    /** Lines stored per run; once reached, each further step stores only its tail. */
    run_lines: count(10, 100_000_000).default(200_000),
  })
  .strict()
  .refine((l) => l.step_tail_lines < l.step_lines, {
    message: "step_tail_lines must be below step_lines",
    path: ["step_tail_lines"],
  });

/** How big a pipeline file may be (checked before parsing) and what it may declare. */
const pipelineLimitsSchema = z
  .object({
    max_bytes: count(1024, 64 * 1024 * 1024).default(512 * 1024),
    max_jobs: count(1, 100_000).default(256),
    max_steps: count(1, 1_000_000).default(2_000),
    /** YAML aliases (`*name`) resolved per file; more is reported as `yaml-alias-limit`. */
    max_aliases: count(0, 100_000).default(100),
  })
  .strict();

/** Request rates per client address and per API token, per window (429 with Retry-After past them). */
const rateLimitSchema = z
  .object({
    enabled: z.boolean().default(true),
    window: durationSchema.default(60_000),
    /** Requests per window per token (per address when no token is sent) on `/api/*`. */
    api: count(1, 10_000_000).default(3_000),
    /** Requests per window per token or address on ingest routes (OTLP, logs, alerts, webhooks). */
    ingest: count(1, 10_000_000).default(30_000),
    /** Requests per window per client address, whatever the token (stops token-guessing floods). */
    per_address: count(1, 10_000_000).default(60_000),
    /** Where counters live: `memory` (one server) or `redis` (shared by replicas; uses `bus.redis_url`). */
    store: z.enum(["memory", "redis"]).default("memory"),
    /** Prefix of the Redis keys (servers sharing counters use the same one). */
    redis_prefix: z.string().min(1).max(64).default("pitcrew-rl:"),
  })
  .strict();

/** What one OTLP metrics sender may cost (`/v1/metrics` and OTLP/gRPC); per-service series: `metrics.max_series_per_target`. */
const otlpLimitsSchema = z
  .object({
    /** Data points taken from one metrics export; the rest are refused (OTLP partial success). */
    max_points: count(1, 10_000_000).default(20_000),
    /** Distinct series all OTLP senders together may create (until the server restarts). */
    max_series: count(1, 100_000_000).default(100_000),
  })
  .strict();

/** The whole `limits:` section. */
export const limitsSchema = z
  .object({
    log: logLimitsSchema.default({
      step_lines: 20_000,
      step_tail_lines: 2_000,
      step_tail_bytes: 4 * 1024 * 1024,
      run_lines: 200_000,
    }),
    pipeline: pipelineLimitsSchema.default({
      max_bytes: 512 * 1024,
      max_jobs: 256,
      max_steps: 2_000,
      max_aliases: 100,
    }),
    /** Bytes an SSE client may fall behind before it is disconnected (it reconnects and replays). */
    sse_buffer_bytes: count(64 * 1024, 1024 * 1024 * 1024).default(1024 * 1024),
    /** Deepest nesting of `[`/`{` accepted in a JSON request body (400 past it, before parsing). */
    json_depth: count(8, 1000).default(64),
    /** Lifetime of a stream ticket (`POST /api/stream-tickets`, then `?ticket=` on SSE routes). */
    stream_ticket_ttl: durationSchema.default(60_000),
    otlp: otlpLimitsSchema.default({ max_points: 20_000, max_series: 100_000 }),
    rate_limit: rateLimitSchema.default({
      enabled: true,
      window: 60_000,
      api: 3_000,
      ingest: 30_000,
      per_address: 60_000,
      store: "memory",
      redis_prefix: "pitcrew-rl:",
    }),
  })
  .strict();

/** The validated `limits:` section. */
export type Limits = z.output<typeof limitsSchema>;

/** The defaults, for code that runs without a config file (`pitcrew lint`, tests). */
export const DEFAULT_LIMITS: Limits = limitsSchema.parse({});
