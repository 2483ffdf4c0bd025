/**
 * The schema of `pitcrew.yaml`, with defaults: every key a user can set, validated strictly
 * (unknown keys are errors with their position). Durations are written like `30s`, `5m`.
 */
import { Cron } from "croner";
import * as z from "zod";
import { durationSchema } from "./duration-schema.js";
import { limitsSchema } from "./limits-schema.js";

export { durationSchema, parseDuration } from "./duration-schema.js";

const projectSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "letters, digits, . _ - (max 64)"),
    repo: z.string().min(1),
    branch: z.string().default("main"),
    pipeline: z.string().default(".pitcrew/pipeline.yaml"),
    /** Run the project's jobs in the sandbox; `false` lets them run on the host as pitcrew's user. */
    sandbox: z.boolean().default(true),
    poll: durationSchema.default(0),
    webhook_secret: z.string().optional(),
    /** Same-repository pull request runs receive secrets (forks never do). */
    trust_pull_requests: z.boolean().default(false),
    /** Branch names or `*` globs protected besides `branch` (their runs alone write trusted caches and deploy). */
    protected_branches: z.array(z.string().regex(/^[A-Za-z0-9._/*-]{1,255}$/, "a branch name or glob")).default([]),
  })
  .strict();

const serviceSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "letters, digits, . _ - (max 64)"),
    environment: z.string().min(1).max(64).default("production"),
    metrics_url: z.url({ protocol: /^https?$/ }).optional(),
    scrape_interval: durationSchema.default(15_000),
    log_source: z.string().max(1024).optional(),
    repository: z.string().max(1024).optional(),
    path: z.string().max(1024).optional(),
  })
  .strict();

const envName = z.string().regex(/^[A-Z_][A-Z0-9_]{0,127}$/, "an environment variable name");

/** Where pull requests live: the embedded local forge (default) or GitHub (docs/forge.md). */
const forgeSchema = z
  .object({
    driver: z.enum(["local", "github"]).default("local"),
    github: z
      .object({
        /** User or organisation owning the repositories. */
        owner: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,38}$/, "a GitHub user or organisation name"),
        api_url: z.url({ protocol: /^https?$/ }).default("https://api.github.com"),
        /** Git base for clone/push URLs (default derived from api_url). */
        git_url: z.url({ protocol: /^https?$/ }).optional(),
        /** Variable holding the token (the token itself never goes in the file). */
        token_env: envName.default("GITHUB_TOKEN"),
        /**
         * Authenticate as a GitHub App installation instead of with a token: the app id, the
         * installation id, and the file holding the app's private key (PEM).
         */
        app: z
          .object({
            app_id: z.number().int().positive(),
            installation_id: z.number().int().positive(),
            private_key_file: z.string().min(1),
          })
          .strict()
          .optional(),
        /** Variable holding the webhook secret for POST /api/forge/webhook. */
        webhook_secret_env: envName.default("PITCREW_GITHUB_WEBHOOK_SECRET"),
        /** Whether repositories pitcrew creates on GitHub are private. */
        private_repos: z.boolean().default(true),
        /** pitcrew's public URL, to turn check links (/runs/7) into absolute links. */
        public_url: z.url({ protocol: /^https?$/ }).optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((f) => f.driver !== "github" || f.github, {
    message: "forge.driver 'github' needs a forge.github section with at least 'owner'",
    path: ["github"],
  })
  .default({ driver: "local" });

/** Where releases run (docs/deploy.md): router, replica count, strategy and promotion rule. */
const environmentSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, "lowercase letters, digits, - (max 32)"),
    /** Traffic router: the built-in weighted proxy (default) or a real nginx. */
    router: z.enum(["builtin", "nginx"]).default("builtin"),
    /** Replicas of every release here (default: the release's deploy.yaml). */
    replicas: z.number().int().min(1).max(32).optional(),
    /** Strategy YAML (canary | blueGreen | rolling | recreate); a release's deploy.yaml overrides it. */
    strategy: z.unknown().optional(),
    /** Only deploy a commit here after it was live and healthy in `from` for `healthy_for`. */
    promotion: z
      .object({ from: z.string().min(1), healthy_for: durationSchema.default(0) })
      .strict()
      .optional(),
    /** After a rollout, a re-firing or new critical alert within this window rolls it back. */
    watch: durationSchema.default(300_000),
    /** Variables every release here starts with (same `{{…}}` placeholders; a release's deploy.yaml `env` wins). */
    env: z.record(envName, z.string().max(8192)).optional(),
  })
  .strict();

const healPolicy = z.enum(["suggest", "pr", "merge", "deploy"]);

/** The healing loop (docs/healing.md): how far automation goes, attempt budget, timeouts. */
const healSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Default policy: suggest (stop at diagnosis) | pr | merge | deploy (ship and verify). */
    policy: healPolicy.default("deploy"),
    /** Per-service policies, e.g. `{ payments: pr }`. */
    services: z.record(z.string(), healPolicy).default({}),
    /** Repair attempts per incident before it escalates. */
    max_attempts: z.number().int().min(1).max(10).default(3),
    /** Longest time in one state before the heal escalates. */
    state_timeout: durationSchema.default(900_000),
    /** How often active heals are advanced. */
    poll: durationSchema.default(1_000),
    /** How long a shipped fix is watched before the incident counts as healed. */
    verify_window: durationSchema.default(30_000),
    /**
     * Revert by a pull request the commits of a release its analysis or a heal rolled back, so
     * `main` does not keep them (docs/healing.md, "Reverting a rolled-back release").
     */
    revert_rollbacks: z.boolean().default(true),
  })
  .strict()
  .default({
    enabled: true,
    policy: "deploy",
    services: {},
    max_attempts: 3,
    state_timeout: 900_000,
    poll: 1_000,
    verify_window: 30_000,
    revert_rollbacks: true,
  });

/** The repair chain (docs/repair.md): the optional LLM fixer, an OpenAI-compatible chat endpoint. */
const repairSchema = z
  .object({
    llm: z
      .object({
        /** Base URL of the API; pitcrew POSTs to `${url}/chat/completions`. */
        url: z.url({ protocol: /^https?$/ }),
        model: z.string().min(1).max(200),
        /** Variable holding the API key (the key itself never goes in the file). */
        api_key_env: envName.default("PITCREW_LLM_API_KEY"),
        timeout_ms: z.number().int().min(1000).max(600_000).default(60_000),
        /** Lines of code shown above and below each suspect line. */
        max_context_lines: z.number().int().min(1).max(200).default(20),
      })
      .strict()
      .optional(),
  })
  .strict()
  .optional();

/** The validated configuration. */
export const configSchema = z
  .object({
    /** Where pitcrew keeps its state; unset means the per-user default (see default-data-dir.ts). */
    data_dir: z.string().min(1).optional(),
    server: z
      .object({
        host: z.string().default("127.0.0.1"),
        port: z.number().int().min(0).max(65535).default(8080),
        body_limit: z
          .number()
          .int()
          .positive()
          .default(1024 * 1024),
        /** Replicas sharing a database: how long the cron/polling leader's lease lasts unrenewed. */
        leader_lease: durationSchema.default(15_000),
      })
      .strict()
      .default({ host: "127.0.0.1", port: 8080, body_limit: 1024 * 1024, leader_lease: 15_000 }),
    database: z.object({ url: z.string().optional() }).strict().default({}),
    queue: z
      .object({
        /** `memory`: embedded, persisted in the store; `bullmq`: Redis, shared by replicas and agents. */
        driver: z.enum(["memory", "bullmq"]).default("memory"),
        redis_url: z.string().default("redis://127.0.0.1:6379"),
        /** Prefix of every Redis key the bullmq driver writes (separates installations on one Redis). */
        prefix: z
          .string()
          .regex(/^[A-Za-z0-9_-]{1,64}$/)
          .default("pitcrew"),
        concurrency: z.number().int().min(1).max(64).default(2),
        lease: durationSchema.default(30_000),
      })
      .strict()
      .default({
        driver: "memory",
        redis_url: "redis://127.0.0.1:6379",
        prefix: "pitcrew",
        concurrency: 2,
        lease: 30_000,
      }),
    /** Where artifacts live: the data dir (`local`) or S3-compatible storage shared by replicas. */
    storage: z
      .object({
        driver: z.enum(["local", "s3"]).default("local"),
        /** S3 endpoint (MinIO, Garage, …); unset means AWS S3 in `region`. */
        endpoint: z.url({ protocol: /^https?$/ }).optional(),
        bucket: z.string().min(3).max(63).optional(),
        region: z.string().min(1).default("us-east-1"),
        /** Unset: the AWS SDK's default credentials (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, roles). */
        access_key_id: z.string().min(1).optional(),
        secret_access_key: z.string().min(1).optional(),
        force_path_style: z.boolean().default(false),
        /** Prefix of every object key (several installations in one bucket). */
        prefix: z
          .string()
          .regex(/^[A-Za-z0-9_.-]+\/$/)
          .optional(),
      })
      .strict()
      .refine((s) => s.driver !== "s3" || s.bucket !== undefined, {
        message: "storage.bucket is required with driver s3",
        path: ["bucket"],
      })
      .default({ driver: "local", region: "us-east-1", force_path_style: false }),
    bus: z
      .object({
        driver: z.enum(["memory", "redis"]).default("memory"),
        redis_url: z.string().default("redis://127.0.0.1:6379"),
      })
      .strict()
      .default({ driver: "memory", redis_url: "redis://127.0.0.1:6379" }),
    runner: z
      .object({
        labels: z.array(z.string()).default(["linux", "local"]),
        kill_grace: durationSchema.default(5_000),
        keep_workspaces: z.boolean().default(false),
        orphaned_jobs: z.enum(["fail", "retry"]).default("fail"),
        /** Host account sandboxed steps run as when pitcrew runs as root (name, uid or uid:gid). */
        job_user: z.string().min(1).max(64).default("nobody"),
        /** Run untrusted triggers (PRs, pushes to other branches) even where jobs cannot be sandboxed. */
        allow_unsandboxed: z.boolean().default(false),
        /** Run jobs on this server; false when `pitcrew agent` processes do all the work. */
        local: z.boolean().default(true),
      })
      .strict()
      .default({
        labels: ["linux", "local"],
        kill_grace: 5_000,
        keep_workspaces: false,
        orphaned_jobs: "fail",
        job_user: "nobody",
        allow_unsandboxed: false,
        local: true,
      }),
    /**
     * `pitcrew agent` processes: an agent silent for `lease` is lost and its jobs go elsewhere;
     * `priority` weighs each class of job for the scheduler, `fair_share` shares agents between
     * projects (absent: the scheduler's defaults, docs/scale-out.md).
     */
    agents: z
      .object({
        lease: durationSchema.default(30_000),
        priority: z
          .object({
            heal: z.number().positive().max(1000).optional(),
            default_branch: z.number().positive().max(1000).optional(),
            branch: z.number().positive().max(1000).optional(),
            pull_request: z.number().positive().max(1000).optional(),
          })
          .strict()
          .optional(),
        fair_share: z.boolean().optional(),
        /** The server replicas a `pitcrew agent` reading this file calls, when neither --server nor $PITCREW_SERVER is given. */
        servers: z
          .array(z.string().regex(/^https?:\/\/\S+$/, "a server URL like http://ci.example.com:8080"))
          .max(16)
          .optional(),
      })
      .strict()
      .default({ lease: 30_000 }),
    log: z
      .object({ level: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info") })
      .strict()
      .default({ level: "info" }),
    observe: z
      .object({
        /** HMAC secret for signed log/trace ingest (X-Pitcrew-Signature), besides operator tokens. */
        ingest_secret: z.string().min(16).optional(),
        anomaly_threshold: z.number().min(0).max(1).default(0.9),
        incident_window: durationSchema.default(600_000),
        /** How often each service's golden signals are queried and fed to the anomaly detectors. */
        anomaly_interval: durationSchema.default(15_000),
        /** Detector memory in samples (default: the detector's own, the one `pitcrew detect` uses). */
        anomaly_window: z.number().int().min(32).max(100_000).optional(),
        /** How often the leader checkpoints each service's detector calibration and log templates (through their validation gates). */
        anomaly_checkpoint: durationSchema.default(3_600_000),
        /** Queries scored per service (`{{service}}` is replaced by its name); defaults: errors, p99, traffic. */
        signals: z
          .array(
            z.object({ name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/), query: z.string().min(1) }).strict(),
          )
          .optional(),
        /** Log time a service is watched before a never-seen log template counts as news. */
        log_warmup: durationSchema.default(300_000),
        /** OTLP/gRPC receiver (logs, traces, metrics); off unless set. Auth and bounds as for OTLP/HTTP. */
        otlp_grpc: z
          .object({
            host: z.string().min(1).default("127.0.0.1"),
            port: z.number().int().min(0).max(65535).default(4317),
          })
          .strict()
          .optional(),
      })
      .strict()
      .default({
        anomaly_threshold: 0.9,
        incident_window: 600_000,
        anomaly_interval: 15_000,
        anomaly_checkpoint: 3_600_000,
        log_warmup: 300_000,
      }),
    forge: forgeSchema,
    webhooks: z
      .object({
        /** How long delivery ids are remembered, and how old a signed send time may be (docs/security.md). */
        replay_window: durationSchema.default(86_400_000),
      })
      .strict()
      .default({ replay_window: 86_400_000 }),
    projects: z.array(projectSchema).default([]),
    services: z.array(serviceSchema).default([]),
    metrics: z
      .object({
        retention: durationSchema.default(7 * 86_400_000),
        downsample_after: durationSchema.default(86_400_000),
        max_series_per_target: z.number().int().positive().default(10_000),
        /** Query a real Prometheus instead of the built-in TSDB (e.g. http://127.0.0.1:9090). */
        prometheus_url: z.url({ protocol: /^https?$/ }).optional(),
      })
      .strict()
      .default({ retention: 7 * 86_400_000, downsample_after: 86_400_000, max_series_per_target: 10_000 }),
    alerts: z
      .object({
        /** Prometheus rule files evaluated by pitcrew (relative to the config file). */
        rule_files: z.array(z.string().min(1)).default([]),
        evaluation_interval: durationSchema.default(60_000),
        /** HMAC secret for the Alertmanager webhook (X-Pitcrew-Signature), besides operator tokens. */
        webhook_secret: z.string().min(16).optional(),
      })
      .strict()
      .default({ rule_files: [], evaluation_interval: 60_000 }),
    /** The learning loop (docs/learning.md): scheduled retraining, evaluation horizon, drift bound. */
    learning: z
      .object({
        /** Cron expression of the scheduled retraining of every model of every project ("" turns it off). */
        retrain: z
          .string()
          .max(200)
          .refine((s) => s === "" || isCron(s), { message: "not a cron expression (e.g. '0 3 * * 0')" })
          .default("0 3 * * 0"),
        /** Evaluation horizon: a candidate is judged on this period after its training data. */
        horizon: durationSchema.default(7 * 86_400_000),
        /** Training window before the horizon. */
        window: durationSchema.default(180 * 86_400_000),
        /** Largest population stability index of a main feature before `model.drift`. */
        drift_psi: z.number().positive().default(0.25),
      })
      .strict()
      .default({ retrain: "0 3 * * 0", horizon: 7 * 86_400_000, window: 180 * 86_400_000, drift_psi: 0.25 }),
    heal: healSchema,
    repair: repairSchema,
    /** Bounds on logs, pipelines, streams, request bodies and rates (docs/security.md). */
    limits: limitsSchema.default(limitsSchema.parse({})),
    environments: z
      .array(environmentSchema)
      .default([{ name: "production", router: "builtin", watch: 300_000 }])
      .refine((list) => new Set(list.map((e) => e.name)).size === list.length, {
        message: "environment names must be unique",
      })
      .refine((list) => list.every((e) => !e.promotion || list.some((f) => f.name === e.promotion?.from)), {
        message: "promotion.from must name another environment",
      }),
  })
  .strict();

/** Whether croner accepts `text` as a cron expression. */
function isCron(text: string): boolean {
  try {
    new Cron(text, { paused: true }).stop();
    return true;
  } catch {
    return false;
  }
}

/** pitcrew's configuration after validation and defaults. */
export type Config = z.output<typeof configSchema>;
/** A service declared in the config file. */
export type ConfigService = z.output<typeof serviceSchema>;
/** An environment declared in the config file. */
export type ConfigEnvironment = z.output<typeof environmentSchema>;
/** The `repair.llm` section, when configured. */
export type RepairLlmConfig = NonNullable<NonNullable<Config["repair"]>["llm"]>;
/** A project declared in the config file. */
export type ConfigProject = z.output<typeof projectSchema>;
