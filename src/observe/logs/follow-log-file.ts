/**
 * Follows the log file of a supervised process into the store: the lines read in one check of
 * the file are ingested as one batch (source `file`). A batch that fails to store is logged.
 */
import type { Logger } from "../../common/logger.js";
import type { LogRecord } from "../../store/index.js";
import type { LogIngestor } from "./log-ingestor.js";
import { type FileTail, type TailOptions, tailFile } from "./tail-file.js";

/** Tails `path` as `service`'s log into `logs`; stop it with the returned tail. */
export function followLogFile(
  logs: LogIngestor,
  log: Logger,
  path: string,
  service: string,
  opts?: TailOptions,
): FileTail {
  let batch: LogRecord[] = [];
  const flush = () => {
    const records = batch;
    batch = [];
    logs.ingest(records, "file").catch((err) => log.error({ err, path }, "storing tailed log lines failed"));
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
