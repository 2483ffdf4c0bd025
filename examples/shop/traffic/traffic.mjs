#!/usr/bin/env node
/**
 * Traffic for the demo shop: starts journeys (the request sequences of `traffic.journeys` in
 * shop.json) at a steady rate against the gateway, picked by weight, for a while; then prints a
 * one-line summary (or JSON with --json). Journeys marked `triggers` reach a latent fault; they
 * have small weights, and --no-faults leaves them out. Requests that fail are counted, never fatal:
 * the exit code is 0 unless the arguments are wrong (2). It stops at once when the process that
 * started it is gone (a killed demo leaves no traffic behind).
 *
 *   node traffic/traffic.mjs --url http://127.0.0.1:8080 [--rate 5] [--duration 10]
 *        [--journeys browse,buy] [--no-faults] [--manifest shop.json] [--timeout-ms 5000] [--json]
 */
import { readFileSync } from "node:fs";
import { setTimeout as delay } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const MAX_IN_FLIGHT = 64;

/** Reads and checks the options; throws an Error naming the bad one. */
export function readOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: "string", default: process.env.SHOP_URL },
      manifest: { type: "string", default: fileURLToPath(new URL("../shop.json", import.meta.url)) },
      rate: { type: "string", default: "5" },
      duration: { type: "string", default: "10" },
      journeys: { type: "string" },
      "no-faults": { type: "boolean", default: false },
      "timeout-ms": { type: "string", default: "5000" },
      json: { type: "boolean", default: false },
    },
  });
  if (!values.url || !/^https?:\/\/[^/]+/.test(values.url)) throw new Error("--url must be the gateway's http(s) URL");
  const number = (name, min, max) => {
    const n = Number(values[name]);
    if (!Number.isFinite(n) || n < min || n > max) throw new Error(`--${name} must be a number from ${min} to ${max}`);
    return n;
  };
  const manifest = JSON.parse(readFileSync(values.manifest, "utf8"));
  let journeys = manifest.traffic?.journeys ?? [];
  if (values.journeys) {
    const wanted = values.journeys.split(",").map((s) => s.trim());
    const unknown = wanted.filter((w) => !journeys.some((j) => j.name === w));
    if (unknown.length) throw new Error(`--journeys: no journey ${unknown.join(", ")} in ${values.manifest}`);
    journeys = journeys.filter((j) => wanted.includes(j.name));
  }
  if (values["no-faults"]) journeys = journeys.filter((j) => !j.triggers);
  if (!journeys.length) throw new Error("no journey left to run");
  return {
    url: values.url.replace(/\/+$/, ""),
    rate: number("rate", 0.1, 1000),
    durationMs: number("duration", 0.1, 86_400) * 1000,
    timeoutMs: number("timeout-ms", 1, 600_000),
    json: values.json,
    journeys,
    variables: manifest.traffic.variables ?? {},
  };
}

const pick = (items, weight) => {
  let r = Math.random() * items.reduce((n, i) => n + weight(i), 0);
  for (const item of items) {
    r -= weight(item);
    if (r < 0) return item;
  }
  return items.at(-1);
};

/** `{name}` placeholders of `text` replaced from `vars`; undefined when one has no value. */
const fill = (text, vars, encode) => {
  let missing = false;
  const out = text.replace(/\{(\w+)\}/g, (_, name) => {
    if (vars[name] === undefined) missing = true;
    return encode(String(vars[name]));
  });
  return missing ? undefined : out;
};
const fillBody = (value, vars) => {
  if (typeof value === "string") return fill(value, vars, (s) => s);
  if (Array.isArray(value)) return value.map((v) => fillBody(v, vars));
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillBody(v, vars)]));
  return value;
};

/** Runs one journey; records each request in `stats`; stops at the first request that fails. */
async function runJourney(journey, options, stats) {
  const vars = Object.fromEntries(Object.entries(options.variables).map(([k, values]) => [k, pick(values, () => 1)]));
  stats.journeys[journey.name] = (stats.journeys[journey.name] ?? 0) + 1;
  for (const step of journey.steps) {
    const path = fill(step.path, vars, encodeURIComponent);
    if (path === undefined) return;
    const started = performance.now();
    let status;
    try {
      const res = await fetch(options.url + path, {
        method: step.method,
        headers: { "content-type": "application/json" },
        body: step.body === undefined ? undefined : JSON.stringify(fillBody(step.body, vars)),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      status = res.status;
      const body = await res.json().catch(() => ({}));
      for (const [name, field] of Object.entries(step.save ?? {})) vars[name] = body?.[field];
    } catch {
      status = 0;
    }
    stats.latenciesMs.push(performance.now() - started);
    const key = status === 0 ? "failed" : `${Math.floor(status / 100)}xx`;
    stats.statuses[key] = (stats.statuses[key] ?? 0) + 1;
    if (status < 200 || status >= 300) return;
  }
}

const quantile = (sorted, q) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : 0;

/** Runs traffic as `options` say and resolves the summary. */
export async function runTraffic(options) {
  const stats = { journeys: {}, statuses: {}, latenciesMs: [] };
  const inFlight = new Set();
  const started = performance.now();
  const interval = 1000 / options.rate;
  for (let n = 0; performance.now() - started < options.durationMs; n++) {
    if (inFlight.size < MAX_IN_FLIGHT) {
      const run = runJourney(
        pick(options.journeys, (j) => j.weight),
        options,
        stats,
      ).finally(() => inFlight.delete(run));
      inFlight.add(run);
    }
    const next = started + (n + 1) * interval;
    await delay(Math.max(0, next - performance.now()));
  }
  await Promise.all(inFlight);
  const sorted = stats.latenciesMs.sort((a, b) => a - b);
  return {
    seconds: Math.round((performance.now() - started) / 100) / 10,
    requests: sorted.length,
    statuses: stats.statuses,
    journeys: stats.journeys,
    p50Ms: Math.round(quantile(sorted, 0.5)),
    p99Ms: Math.round(quantile(sorted, 0.99)),
  };
}

/** The one-line summary. */
export function summaryLine(s) {
  const statuses =
    Object.entries(s.statuses)
      .sort()
      .map(([k, v]) => `${k} ${v}`)
      .join(", ") || "none";
  const journeys = Object.entries(s.journeys)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
  return `traffic: ${s.requests} requests in ${s.seconds} s (${statuses}); p50 ${s.p50Ms} ms, p99 ${s.p99Ms} ms; journeys: ${journeys}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let options;
  try {
    options = readOptions(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`traffic: ${err.message}\n`);
    process.exit(2);
  }
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && process.exit(0), 1000).unref();
  const summary = await runTraffic(options);
  process.stdout.write(`${options.json ? JSON.stringify(summary) : summaryLine(summary)}\n`);
}
