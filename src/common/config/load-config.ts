/**
 * Loads pitcrew's configuration: `pitcrew.yaml` (or an explicit file), then `PITCREW_*`
 * environment overrides, validated by the schema; the data directory defaults per user. Problems are reported together, each with
 * file/line/column (or the variable name for environment overrides).
 */
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { parse as parseYamlScalar } from "yaml";
import { formatDiagnostic, hasErrors, type Diagnostic } from "../diagnostics.js";
import { ValidationError } from "../errors.js";
import { parseYamlSource, validateYaml } from "../yaml-source.js";
import { type Config, configSchema } from "./config-schema.js";
import { defaultDataDir } from "./default-data-dir.js";

/** Environment variables that override config keys (variable → dotted path). */
export const ENV_OVERRIDES: Record<string, string[]> = {
  PITCREW_DATA_DIR: ["data_dir"],
  PITCREW_SERVER_HOST: ["server", "host"],
  PITCREW_SERVER_PORT: ["server", "port"],
  PITCREW_DATABASE_URL: ["database", "url"],
  PITCREW_QUEUE_DRIVER: ["queue", "driver"],
  PITCREW_QUEUE_REDIS_URL: ["queue", "redis_url"],
  PITCREW_QUEUE_CONCURRENCY: ["queue", "concurrency"],
  PITCREW_STORAGE_DRIVER: ["storage", "driver"],
  PITCREW_STORAGE_ENDPOINT: ["storage", "endpoint"],
  PITCREW_STORAGE_BUCKET: ["storage", "bucket"],
  PITCREW_BUS_DRIVER: ["bus", "driver"],
  PITCREW_BUS_REDIS_URL: ["bus", "redis_url"],
  PITCREW_RUNNER_LABELS: ["runner", "labels"],
  PITCREW_LOG_LEVEL: ["log", "level"],
};

/** A loaded configuration plus where it came from. */
export interface LoadedConfig {
  config: Config;
  /** The file read, if any. */
  file?: string;
  /** Absolute data directory. */
  dataDir: string;
  /** The database URL (defaulting to SQLite in the data dir). */
  databaseUrl: string;
}

/**
 * Loads the config from `file` (must exist) or `./pitcrew.yaml` when present, applies `env`,
 * and throws a ValidationError listing every diagnostic when invalid.
 */
export function loadConfig(opts: { file?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {}): LoadedConfig {
  const cwd = opts.cwd ?? process.cwd();
  const env = opts.env ?? process.env;
  const explicit = opts.file !== undefined;
  const file = resolve(cwd, opts.file ?? "pitcrew.yaml");
  let text = "{}";
  let usedFile: string | undefined;
  if (existsSync(file)) {
    text = readFileSync(file, "utf8");
    usedFile = file;
  } else if (explicit) {
    throw new ValidationError(`config file not found: ${file}`);
  }
  const source = parseYamlSource(text, usedFile ?? "<defaults>");
  const diagnostics: Diagnostic[] = [];
  // An empty file parses to null: it means "all defaults", and the environment still applies.
  if (source.value === undefined || source.value === null) source.value = {};
  if (typeof source.value === "object") applyEnv(source.value as Record<string, unknown>, env, diagnostics);
  const { data, diagnostics: found } = validateYaml(source, configSchema);
  diagnostics.push(...found);
  if (!data || hasErrors(diagnostics)) {
    throw new ValidationError(`invalid configuration:\n${diagnostics.map(formatDiagnostic).join("\n")}`, {
      diagnostics,
    });
  }
  const base = usedFile ? resolve(usedFile, "..") : cwd;
  const dataDir =
    data.data_dir === undefined
      ? defaultDataDir(env)
      : isAbsolute(data.data_dir)
        ? data.data_dir
        : resolve(base, data.data_dir);
  const databaseUrl = data.database.url ?? `sqlite:${resolve(dataDir, "pitcrew.db")}`;
  return { config: data, file: usedFile, dataDir, databaseUrl };
}

function applyEnv(target: Record<string, unknown>, env: NodeJS.ProcessEnv, diagnostics: Diagnostic[]): void {
  for (const [name, path] of Object.entries(ENV_OVERRIDES)) {
    const raw = env[name];
    if (raw === undefined || raw === "") continue;
    let value: unknown;
    try {
      value = path.at(-1) === "labels" ? raw.split(",").map((s) => s.trim()) : parseYamlScalar(raw);
      if (path.at(-1) === "url" || path.at(-1) === "redis_url" || path[0] === "storage" || path[0] === "data_dir")
        value = raw;
    } catch {
      diagnostics.push({
        severity: "error",
        code: "bad-env",
        message: `${name}: cannot parse '${raw}'`,
        line: 0,
        column: 0,
        file: name,
      });
      continue;
    }
    let node = target;
    for (const seg of path.slice(0, -1)) {
      if (typeof node[seg] !== "object" || node[seg] === null) node[seg] = {};
      node = node[seg] as Record<string, unknown>;
    }
    node[path.at(-1)!] = value;
  }
}
