/**
 * JSON log lines on stdout, one object per line: `{time, level, service, msg, ...fields}`.
 * An error goes under `err: {type, message, stack}` with its full stack, the way pino writes it,
 * so a log pipeline can find the trace in the record.
 */

/** A logger for `service`; `write` receives each finished line (default: stdout). */
export function createLogger(service, write = (line) => process.stdout.write(line)) {
  const emit = (level, msg, fields) => {
    write(`${JSON.stringify({ time: new Date().toISOString(), level, service, msg, ...fields })}\n`);
  };
  return {
    info: (msg, fields = {}) => emit("info", msg, fields),
    warn: (msg, fields = {}) => emit("warn", msg, fields),
    error: (msg, fields = {}) => emit("error", msg, fields),
  };
}

/** The `err` field of a log line for a thrown value. */
export function errorField(err) {
  if (err instanceof Error) return { type: err.name, message: err.message, stack: err.stack };
  return { type: typeof err, message: String(err) };
}
