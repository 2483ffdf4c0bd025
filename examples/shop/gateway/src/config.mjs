/**
 * The gateway's settings, read from a JSON file (`config/gateway.json`, or `$GATEWAY_CONFIG`):
 * per-upstream call timeouts in ms and how often an idempotent call is retried. The ranges an
 * automatic fix may use are declared beside it in `config/pitcrew.repair.yaml`.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The shipped config file. */
export const DEFAULT_CONFIG_PATH = fileURLToPath(new URL("../config/gateway.json", import.meta.url));

const KEYS = ["catalog_timeout_ms", "cart_timeout_ms", "pricing_timeout_ms", "retries"];

/** Checks a parsed config; throws an Error naming every bad or missing key. */
export function parseConfig(value, source = "config") {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new Error(`${source}: expected a JSON object`);
  const problems = [];
  for (const key of KEYS) {
    const v = value[key];
    const min = key === "retries" ? 0 : 1;
    if (!Number.isInteger(v) || v < min) problems.push(`${key} must be an integer ≥ ${min} (got ${JSON.stringify(v)})`);
  }
  for (const key of Object.keys(value)) if (!KEYS.includes(key)) problems.push(`unknown key ${key}`);
  if (problems.length) throw new Error(`${source}: ${problems.join("; ")}`);
  return { ...value };
}

/** Reads and checks the config file at `path`. */
export function loadConfig(path = DEFAULT_CONFIG_PATH) {
  let value;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new Error(`${path}: ${err.message}`);
  }
  return parseConfig(value, path);
}
