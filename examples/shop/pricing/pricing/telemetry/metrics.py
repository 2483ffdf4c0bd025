"""A small Prometheus registry: counters, gauges and histograms with labels, rendered in the text
exposition format 0.0.4. No ``job``/``instance`` labels: the scraper adds those."""
import threading

DEFAULT_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
INF = float("inf")


def _escape(value):
    return str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _labels(labels):
    if not labels:
        return ""
    return "{" + ",".join('%s="%s"' % (k, _escape(v)) for k, v in labels) + "}"


def _num(value):
    if value == INF:
        return "+Inf"
    return repr(float(value)) if isinstance(value, float) and not value.is_integer() else str(int(value))


class Metrics:
    """A registry; asking twice for one metric name returns the same metric."""

    def __init__(self):
        self._families = {}
        self._lock = threading.Lock()

    def _family(self, name, kind, help_text, buckets=None):
        with self._lock:
            family = self._families.setdefault(
                name, {"type": kind, "help": help_text, "series": {}, "bounds": buckets}
            )
        if family["type"] != kind:
            raise ValueError("metric %s is a %s, not a %s" % (name, family["type"], kind))
        return family

    def inc(self, name, help_text, labels, by=1):
        """Adds ``by`` to the counter ``name`` for ``labels`` (a dict)."""
        family = self._family(name, "counter", help_text)
        key = tuple(labels.items())
        with self._lock:
            family["series"][key] = family["series"].get(key, 0) + by

    def set(self, name, help_text, labels, value):
        """Sets the gauge ``name`` for ``labels``."""
        family = self._family(name, "gauge", help_text)
        with self._lock:
            family["series"][tuple(labels.items())] = value

    def observe(self, name, help_text, labels, value, buckets=DEFAULT_BUCKETS):
        """Records ``value`` in the histogram ``name`` for ``labels``."""
        family = self._family(name, "histogram", help_text, tuple(buckets) + (INF,))
        key = tuple(labels.items())
        with self._lock:
            series = family["series"].setdefault(key, {"counts": [0] * len(family["bounds"]), "sum": 0.0, "count": 0})
            for i, bound in enumerate(family["bounds"]):
                if value <= bound:
                    series["counts"][i] += 1
            series["sum"] += value
            series["count"] += 1

    def render(self):
        """The exposition text of every metric."""
        lines = []
        with self._lock:
            for name, family in self._families.items():
                lines += ["# HELP %s %s" % (name, family["help"]), "# TYPE %s %s" % (name, family["type"])]
                for key, series in family["series"].items():
                    if family["type"] != "histogram":
                        lines.append("%s%s %s" % (name, _labels(key), _num(series)))
                        continue
                    for bound, count in zip(family["bounds"], series["counts"]):
                        lines.append("%s_bucket%s %d" % (name, _labels(key + (("le", _num(bound)),)), count))
                    lines.append("%s_sum%s %r" % (name, _labels(key), series["sum"]))
                    lines.append("%s_count%s %d" % (name, _labels(key), series["count"]))
        return "\n".join(lines) + "\n"
