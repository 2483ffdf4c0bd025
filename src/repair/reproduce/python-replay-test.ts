/** The unittest regression test that replays a failing request (see `reproduction.ts`). */

/** The parts of the generated test. */
export interface PythonReplayParts {
  title: string;
  start: readonly string[];
  /** `{ setup, request, upstreams }`, embedded as JSON. */
  data: unknown;
  /** How many directories the test file sits below the service directory. */
  depth: number;
}

/** A Python string literal holding `text` (JSON string escapes are Python escapes too). */
const pyString = (text: string) => JSON.stringify(text);

/** The text of a unittest module replaying the failure; data is embedded as a JSON string. */
export function pythonReplayTest(p: PythonReplayParts): string {
  const serviceDir = "os.path.dirname(".repeat(p.depth + 1) + "os.path.abspath(__file__)" + ")".repeat(p.depth + 1);
  return `"""Regression test written by pitcrew: it replays the request that failed against the service,
started as \`${p.start.join(" ").replace(/\\/g, "/")}\`, with its upstreams answering what they answered then."""
import json
import os
import re
import subprocess
import sys
import threading
import unittest
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SERVICE_DIR = ${serviceDir}
START = json.loads(${pyString(JSON.stringify(p.start))})
REPLAY = json.loads(${pyString(JSON.stringify(p.data))})


def serve_recorded(test, responses):
    class Recorded(BaseHTTPRequestHandler):
        def answer(self):
            length = int(self.headers.get("content-length") or 0)
            if length:
                self.rfile.read(length)
            hit = next((r for r in responses if r["method"] == self.command and r["path"] == self.path), None)
            if hit is None:
                path = self.path.split("?")[0]
                hit = next((r for r in responses if r["method"] == self.command and r["path"].split("?")[0] == path), None)
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
    test.addCleanup(server.server_close)
    test.addCleanup(server.shutdown)
    return "http://127.0.0.1:%d" % server.server_address[1]


def drain(stream):
    try:
        for _ in stream:
            pass
    except ValueError:  # closed by the cleanup
        pass


def start_service(test, env):
    command = [sys.executable if START[0] in ("python", "python3") else START[0]] + START[1:]
    env = dict(os.environ, **env, PORT="0", HOST="127.0.0.1", PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(command, cwd=SERVICE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    test.addCleanup(proc.stdout.close)
    test.addCleanup(proc.wait)
    test.addCleanup(proc.kill)
    seen = []
    for line in proc.stdout:
        seen.append(line)
        match = re.search(r'listening on [^\\s"]*:(\\d+)', line)
        if match:
            threading.Thread(target=drain, args=(proc.stdout,), daemon=True).start()
            return "http://127.0.0.1:%s" % match.group(1)
    test.fail("the service exited before listening:\\n" + "".join(seen))


def send(base, r):
    data = r["body"].encode() if r.get("body") is not None else None
    request = urllib.request.Request(base + r["path"], data=data, method=r["method"], headers=r.get("headers") or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as res:
            return res.status, res.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


class PitcrewRegressionTest(unittest.TestCase):
    def test_replay(self):
        ${pyString(p.title)}
        env = {u["env"]: serve_recorded(self, u["responses"]) for u in REPLAY["upstreams"]}
        base = start_service(self, env)
        for r in REPLAY["setup"]:
            send(base, r)
        status, body = send(base, REPLAY["request"])
        self.assertLess(status, 500, "%s %s answered %d: %s" % (REPLAY["request"]["method"], REPLAY["request"]["path"], status, body))


if __name__ == "__main__":
    unittest.main()
`;
}
