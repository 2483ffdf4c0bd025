"""JSON log lines on stdout, one object per line: {time, level, service, msg, ...fields}.

An exception goes under ``err: {type, message, stack}`` with the full traceback, the way JSON
formatters for Python logging write ``exc_info``, so a log pipeline finds the trace in the record.
"""
import datetime
import json
import sys
import threading
import traceback


def error_field(exc):
    """The ``err`` field of a log line for an exception being handled."""
    stack = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return {"type": type(exc).__name__, "message": str(exc), "stack": stack}


class JsonLogger:
    """Writes JSON log lines for ``service`` to ``write`` (default: stdout)."""

    def __init__(self, service, write=None):
        self.service = service
        self._write = write or self._stdout
        self._lock = threading.Lock()

    @staticmethod
    def _stdout(line):
        sys.stdout.write(line)
        sys.stdout.flush()

    def _emit(self, level, msg, fields):
        now = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds")
        record = {"time": now.replace("+00:00", "Z"), "level": level, "service": self.service, "msg": msg}
        record.update(fields)
        line = json.dumps(record) + "\n"
        with self._lock:
            self._write(line)

    def info(self, msg, **fields):
        self._emit("info", msg, fields)

    def warning(self, msg, **fields):
        self._emit("warn", msg, fields)

    def error(self, msg, **fields):
        self._emit("error", msg, fields)
