import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { App } from "../app/app.js";
import { JOBS_QUEUE } from "../runner/index.js";
import { AGENT_STATES } from "../store/index.js";

/** pitcrew's own Prometheus metrics, fed from the event bus and sampled on scrape. */
export interface ServerMetrics {
  registry: Registry;
  httpDuration: Histogram<"method" | "route" | "status">;
  stop(): void;
}

/** Creates the registry and subscribes the run/job counters to the bus. */
export function createServerMetrics(app: App): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "pitcrew_process_" });
  const runs = new Counter({
    name: "pitcrew_runs_finished_total",
    help: "Runs finished, by status",
    labelNames: ["status"],
    registers: [registry],
  });
  const jobs = new Counter({
    name: "pitcrew_jobs_finished_total",
    help: "Jobs finished, by status",
    labelNames: ["status"],
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: "pitcrew_http_request_duration_seconds",
    help: "API request latency",
    labelNames: ["method", "route", "status"],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [registry],
  });
  new Gauge({
    name: "pitcrew_queue_items",
    help: "Items in the job queue, by state",
    labelNames: ["state"],
    registers: [registry],
    async collect() {
      // the queue's service away (UnavailableError): no sample, the rest of /metrics still answers
      const s = await app.queue.stats(JOBS_QUEUE).catch(() => undefined);
      this.reset();
      for (const [state, n] of Object.entries(s ?? {})) this.set({ state }, n);
    },
  });
  new Gauge({
    name: "pitcrew_agents",
    help: "Registered agents, by state (online, draining, lost, offline)",
    labelNames: ["state"],
    registers: [registry],
    async collect() {
      const agents = await app.store.agents.list();
      for (const state of AGENT_STATES) this.set({ state }, agents.filter((a) => a.state === state).length);
    },
  });
  new Gauge({
    name: "pitcrew_agent_jobs",
    help: "Jobs on agents: offered (taken from the queue, waiting for an agent to poll) and held (running on an agent)",
    labelNames: ["state"],
    registers: [registry],
    collect() {
      const s = app.agents.stats();
      this.set({ state: "offered" }, s.offers);
      this.set({ state: "held" }, s.held);
    },
  });
  new Gauge({
    name: "pitcrew_agent_queue_wait_seconds",
    help: "Time the last jobs handed to agents waited for one after leaving the queue, by quantile (last 256 jobs)",
    labelNames: ["quantile"],
    registers: [registry],
    collect() {
      const w = [...app.agents.stats().recentWaitsMs].sort((a, b) => a - b);
      for (const q of [0.5, 0.95]) {
        this.set(
          { quantile: String(q) },
          w.length ? (w[Math.min(w.length - 1, Math.floor(q * w.length))] ?? 0) / 1000 : 0,
        );
      }
    },
  });
  const stop = app.bus.subscribe((m) => {
    if (m.kind !== "event") return;
    if (m.event.type === "run.finished") runs.inc({ status: m.event.data.status });
    if (m.event.type === "job.finished") jobs.inc({ status: m.event.data.status });
  });
  return { registry, httpDuration, stop };
}
