"""Runs the unittest suite under ``tests/`` and writes a JUnit XML report, so CI can read the
results without any package beyond the standard library.

Usage: python3 tools/junit.py [--output reports/junit.xml]; exits 1 when a test failed.
"""
import argparse
import os
import sys
import time
import unittest
import xml.etree.ElementTree as ET


class RecordingResult(unittest.TextTestResult):
    """A text result that also remembers each test's outcome and duration."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.records, self._started = [], 0.0

    def startTest(self, test):
        self._started = time.perf_counter()
        super().startTest(test)

    def _record(self, test, outcome, detail=""):
        self.records.append((test, outcome, detail, time.perf_counter() - self._started))

    def addSuccess(self, test):
        super().addSuccess(test)
        self._record(test, "passed")

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._record(test, "failure", self._exc_info_to_string(err, test))

    def addError(self, test, err):
        super().addError(test, err)
        self._record(test, "error", self._exc_info_to_string(err, test))

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._record(test, "skipped", reason)


def to_junit(records, total_seconds):
    """The JUnit XML document (one testsuite) for the recorded outcomes."""
    def count(kind):
        return sum(1 for r in records if r[1] == kind)

    suite = ET.Element("testsuite", {
        "name": "pricing", "tests": str(len(records)), "failures": str(count("failure")),
        "errors": str(count("error")), "skipped": str(count("skipped")), "time": "%.3f" % total_seconds,
    })
    for test, outcome, detail, seconds in records:
        module_class, _, name = test.id().rpartition(".")
        case = ET.SubElement(suite, "testcase", {"classname": module_class, "name": name, "time": "%.3f" % seconds})
        if outcome in ("failure", "error", "skipped"):
            ET.SubElement(case, outcome, {"message": detail.strip().splitlines()[-1] if detail.strip() else ""}).text = detail
    return ET.ElementTree(suite)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default="reports/junit.xml", help="where to write the JUnit XML")
    args = parser.parse_args(argv)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    suite = unittest.defaultTestLoader.discover(os.path.join(root, "tests"), top_level_dir=root)
    started = time.perf_counter()
    result = unittest.TextTestRunner(resultclass=RecordingResult, verbosity=2).run(suite)
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    to_junit(result.records, time.perf_counter() - started).write(args.output, encoding="utf-8", xml_declaration=True)
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
