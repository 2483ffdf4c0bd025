/**
 * Wiring of service logs, traces and incidents: one set of parts per App (the log ingestor with
 * its `onLogRecords` hooks, the live topology watcher, the incident service), shared by the HTTP
 * routes and `startLogObservation`, which attaches the long-running parts.
 */
import { IncidentService } from "../incidents/index.js";
import type { LogRecord } from "../store/index.js";
import {
  buildDependencyGraph,
  type FileTail,
  LogIngestor,
  type TailOptions,
  TopologyWatcher,
  tailFile,
} from "../observe/index.js";
import type { App } from "./app.js";

/** The observation parts of one App. */
export interface LogObservation {
  logs: LogIngestor;
  topology: TopologyWatcher;
  incidents: IncidentService;
}

const parts = new WeakMap<App, LogObservation>();

/** The observation parts of `app`, created on first use. */
export function logObservationOf(app: App): LogObservation {
  let p = parts.get(app);
  if (p) return p;
  const { store, events, clock, log } = app;
  const o = app.config.config.observe;
  const edges = async () => {
    const to = clock.now();
    return buildDependencyGraph(await store.spans.window(to - o.incident_window, to), {
      from: to - o.incident_window,
      to,
    }).edges;
  };
  p = {
    logs: new LogIngestor(store.logRecords, events, log),
    topology: new TopologyWatcher(store.spans, events, clock, log),
    incidents: new IncidentService(
      { incidents: store.incidents, settings: store.settings, events, clock, log, edges },
      { windowMs: o.incident_window, anomalyThreshold: o.anomaly_threshold },
    ),
  };
  parts.set(app, p);
  return p;
}

/** Attaches the incident correlator to the bus (catching up with the event log); returns the stop function. */
export function startLogObservation(app: App): () => void {
  const p = logObservationOf(app);
  const detach = p.incidents.attach(app.bus);
  return () => {
    detach();
    p.topology.stop();
  };
}

/**
 * Follows the log file of a supervised process into the store: the lines read in one check of
 * the file are ingested as one batch (source `file`). A batch that fails to store is logged.
 */
export function followLogFile(app: App, path: string, service: string, opts?: TailOptions): FileTail {
  const { logs } = logObservationOf(app);
  let batch: LogRecord[] = [];
  const flush = () => {
    const records = batch;
    batch = [];
    logs.ingest(records, "file").catch((err) => app.log.error({ err, path }, "storing tailed log lines failed"));
  };
  return tailFile(
    path,
    service,
    (record) => {
      if (batch.push(record) === 1) setImmediate(flush);
    },
    opts,
  );
}
