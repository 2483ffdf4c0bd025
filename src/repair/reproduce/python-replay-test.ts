/**
 * The Python regression test that replays a failing request (see `reproduction.ts`), as a
 * unittest TestCase or a pytest test function. The helpers register their cleanups with a
 * callable: `self.addCleanup` for unittest, an `ExitStack` fixture for pytest.
 */

/** The parts of the generated test. */
export interface PythonReplayParts {
  framework: "unittest" | "pytest";
  title: string;
  start: readonly string[];
  /** `{ setup, request, upstreams }`, embedded as JSON. */
  data: unknown;
  /** How many directories the test file sits below the service directory. */
  depth: number;
}

/** A Python string literal holding `text` (JSON string escapes are Python escapes too). */
const pyString = (text: string) => JSON.stringify(text);

/** The test class (unittest) or fixture and function (pytest). */
function testBlock(p: PythonReplayParts): string {
  const body = (indent: string, cleanup: string) =>
    [
      pyString(p.title),
      `env = {u["env"]: serve_recorded(${cleanup}, u["responses"]) for u in REPLAY["upstreams"]}`,
      `base = start_service(${cleanup}, env)`,
      `bound = {}`,
      `for i, r in enumerate(REPLAY["setup"]):`,
      `    rebind(bound, i, send(base, bound, r)[1])`,
      `status, body = send(base, bound, REPLAY["request"])`,
      `time.sleep(0.2 if status >= 500 else 0)  # let the service finish logging`,
      `outcome = "%s %s answered %d: %s\\nservice output:\\n%s" % (REPLAY["request"]["method"], REPLAY["request"]["path"], status, body, "".join(OUTPUT))`,
    ]
      .map((l) => indent + l)
      .join("\n");
  if (p.framework === "pytest")
    return `@pytest.fixture
def cleanup():
    with contextlib.ExitStack() as stack:
        yield stack.callback


def test_replay(cleanup):
${body("    ", "cleanup")}
    assert status < 500, outcome
`;
  return `class PitcrewRegressionTest(unittest.TestCase):
    def test_replay(self):
${body("        ", "self.addCleanup")}
        self.assertLess(status, 500, outcome)


if __name__ == "__main__":
    unittest.main()
`;
}

/** The text of a test module replaying the failure; data is embedded as a JSON string. */
export function pythonReplayTest(p: PythonReplayParts): string {
  const serviceDir = "os.path.dirname(".repeat(p.depth + 1) + "os.path.abspath(__file__)" + ")".repeat(p.depth + 1);
  return `"""Regression test written by pitcrew: it replays the request that failed against the service,
started as \`${p.start.join(" ").replace(/\\/g, "/")}\`, with its upstreams answering what they answered then."""
${p.framework === "pytest" ? "import contextlib\n" : ""}import json
import collections
import os
import re
import subprocess
import sys
import threading
import time
${p.framework === "pytest" ? "" : "import unittest\n"}import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
${p.framework === "pytest" ? "\nimport pytest\n" : ""}
SERVICE_DIR = ${serviceDir}
START = json.loads(${pyString(JSON.stringify(p.start))})
REPLAY = json.loads(${pyString(JSON.stringify(p.data))})


def serve_recorded(cleanup, responses):
    class Recorded(BaseHTTPRequestHandler):
        def answer(self):
            length = int(self.headers.get("content-length") or 0)
            if length:
                self.rfile.read(length)
            hit = next((r for r in responses if r["method"] == self.command and r["path"] == self.path), None)
            if hit is None:
                path = self.path.split("?")[0]
                hit = next((r for r in responses if r["method"] == self.command and r["path"].split("?")[0] == path), None)
            time.sleep((hit or {}).get("delayMs", 0) / 1000)
            body = (hit["body"] if hit else json.dumps({"error": "not recorded"})).encode()
            self.send_response(hit["status"] if hit else 404)
            self.send_header("content-type", (hit or {}).get("contentType", "application/json"))
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = answer

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorded)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    cleanup(server.server_close)
    cleanup(server.shutdown)
    return "http://127.0.0.1:%d" % server.server_address[1]


OUTPUT = collections.deque(maxlen=60)  # the service's last lines, shown with a 5xx answer


def drain(stream):
    try:
        for line in stream:
            OUTPUT.append(line)
    except ValueError:  # closed by the cleanup
        pass


def start_service(cleanup, env):
    command = [sys.executable if START[0] in ("python", "python3") else START[0]] + START[1:]
    env = dict(os.environ, **env, PORT="0", HOST="127.0.0.1", PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(command, cwd=SERVICE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    cleanup(proc.stdout.close)
    cleanup(proc.wait)
    cleanup(proc.kill)
    seen = []
    for line in proc.stdout:
        seen.append(line)
        OUTPUT.append(line)
        match = re.search(r'listening on [^\\s"]*:(\\d+)', line)
        if match:
            threading.Thread(target=drain, args=(proc.stdout,), daemon=True).start()
            return "http://127.0.0.1:%s" % match.group(1)
    raise AssertionError("the service exited before listening:\\n" + "".join(seen))


def rebound(bound, text):
    """Replaces each recorded identifier (as a whole word) by the one the fresh service answered."""
    for old, new in bound.items():
        text = re.sub(r"(?<![A-Za-z0-9])%s(?![A-Za-z0-9])" % re.escape(old), lambda _: new, text)
    return text


def rebind(bound, i, body):
    """Reads the identifiers REPLAY["bind"] says setup answer i holds."""
    for b in (b for b in REPLAY["bind"] if b["setup"] == i):
        try:
            value = json.loads(body)
            for key in b["pointer"].split("/")[1:]:
                key = key.replace("~1", "/").replace("~0", "~")
                value = value[int(key)] if isinstance(value, list) else value[key]
        except (ValueError, KeyError, IndexError, TypeError):
            continue
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            bound[b["value"]] = str(value)


def send(base, bound, r):
    data = rebound(bound, r["body"]).encode() if r.get("body") is not None else None
    path = rebound(bound, r["path"])
    request = urllib.request.Request(base + path, data=data, method=r["method"], headers=r.get("headers") or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as res:
            return res.status, res.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


${testBlock(p)}`;
}
