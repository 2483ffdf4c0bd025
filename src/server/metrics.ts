import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { App } from "../app/app.js";
import { JOBS_QUEUE } from "../runner/index.js";

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
      const s = await app.queue.stats(JOBS_QUEUE);
      for (const [state, n] of Object.entries(s)) this.set({ state }, n);
    },
  });
  const stop = app.bus.subscribe((m) => {
    if (m.kind !== "event") return;
    if (m.event.type === "run.finished") runs.inc({ status: m.event.data.status });
    if (m.event.type === "job.finished") jobs.inc({ status: m.event.data.status });
  });
  return { registry, httpDuration, stop };
}
