/**
 * The OpenTelemetry identity pitcrew gives each replica it starts, so an instrumented service's
 * OTLP telemetry carries the labels pitcrew's own scraping gives it (observe's OTLP ingest maps
 * them): `OTEL_SERVICE_NAME` — the service that ships the project — and, in
 * `OTEL_RESOURCE_ATTRIBUTES`, `service.instance.id` (the replica's `host:port`, the scrape's
 * `instance`), `pitcrew.release` (the store's release id) and `pitcrew.replica` (its index).
 * What the service's config sets wins: a configured `OTEL_SERVICE_NAME` (or `service.name`
 * attribute) is kept, and a configured `OTEL_RESOURCE_ATTRIBUTES` keeps its keys, pitcrew adding
 * only those it lacks.
 */
import type { Service } from "../../store/index.js";

/** The variable naming the service in OpenTelemetry SDKs. */
export const OTEL_SERVICE_NAME = "OTEL_SERVICE_NAME";
/** The variable holding `key=value,…` resource attributes in OpenTelemetry SDKs. */
export const OTEL_RESOURCE_ATTRIBUTES = "OTEL_RESOURCE_ATTRIBUTES";

/**
 * The registered service that ships `project`: the one whose repository it is, else the one named
 * after it (undefined: none is registered — the project's name stands for the service).
 */
export async function serviceOfProject(
  services: { list(): Promise<Service[]> },
  project: string,
): Promise<Service | undefined> {
  const all = await services.list();
  return all.find((s) => s.repository === project) ?? all.find((s) => s.name === project);
}

/**
 * `env` with `OTEL_SERVICE_NAME` set to `service`, unless it names the service itself (in
 * `OTEL_SERVICE_NAME`, or `service.name` in `OTEL_RESOURCE_ATTRIBUTES`, which the variable would
 * override).
 */
export function withServiceName(env: Record<string, string>, service: string): Record<string, string> {
  const named = env[OTEL_SERVICE_NAME] || /(^|,)\s*service\.name\s*=/.test(env[OTEL_RESOURCE_ATTRIBUTES] ?? "");
  return named ? env : { ...env, [OTEL_SERVICE_NAME]: service };
}

/** A resource attribute value, percent-encoded as the OpenTelemetry environment format asks. */
const encode = (value: string) =>
  value.replace(/[%,=\s"\\;]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);

/**
 * The `OTEL_RESOURCE_ATTRIBUTES` of one replica: `configured` (the service's own value, if any)
 * plus the replica's identity keys it does not set.
 */
export function replicaResourceAttributes(
  configured: string | undefined,
  replica: { address: string; release: number; index: number },
): string {
  const own = (configured ?? "")
    .split(",")
    .map((kv) => kv.trim())
    .filter(Boolean);
  const keys = new Set(
    own.map((kv) => {
      const eq = kv.indexOf("=");
      return (eq < 0 ? kv : kv.slice(0, eq)).trim();
    }),
  );
  const added = Object.entries({
    "service.instance.id": replica.address,
    "pitcrew.release": String(replica.release),
    "pitcrew.replica": String(replica.index),
  })
    .filter(([k]) => !keys.has(k))
    .map(([k, v]) => `${k}=${encode(v)}`);
  return [...own, ...added].join(",");
}
