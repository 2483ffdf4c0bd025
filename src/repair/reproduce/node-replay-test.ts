/** The node:test regression test that replays a failing request (see `reproduction.ts`). */

/** The parts of the generated test. */
export interface ReplayTestParts {
  title: string;
  start: readonly string[];
  /** `{ setup, request, upstreams }`, embedded as JSON. */
  data: unknown;
  /** The service directory relative to the test file, ending in `/` (`../`). */
  serviceRoot: string;
}

/** The text of a node:test file replaying the failure; data is embedded as JSON literals. */
export function nodeReplayTest(p: ReplayTestParts): string {
  const json = (v: unknown) => JSON.stringify(v, null, 2);
  return `// Regression test written by pitcrew: it replays the request that failed against the service,
// started as \`${p.start.join(" ")}\`, with its upstreams answering what they answered then.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:http";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const SERVICE_DIR = fileURLToPath(new URL(${JSON.stringify(p.serviceRoot)}, import.meta.url));
const START = ${JSON.stringify(p.start)};
const REPLAY = ${json(p.data)};

async function serveRecorded(t, responses) {
  const server = createServer((req, res) => {
    const hit =
      responses.find((r) => r.method === req.method && r.path === req.url) ??
      responses.find((r) => r.method === req.method && r.path.split("?")[0] === req.url.split("?")[0]);
    res.writeHead(hit ? hit.status : 404, { "content-type": hit?.contentType ?? "application/json" });
    res.end(hit ? hit.body : JSON.stringify({ error: "not recorded" }));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  t.after(() => server.close());
  return \`http://127.0.0.1:\${server.address().port}\`;
}

async function startService(t, env) {
  const [command, ...args] = START;
  const child = spawn(command === "node" ? process.execPath : command, args, {
    cwd: SERVICE_DIR,
    env: { ...process.env, ...env, PORT: "0", HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  t.after(() => child.kill("SIGKILL"));
  let seen = "";
  const port = await new Promise((resolve, reject) => {
    const read = (chunk) => {
      seen += chunk;
      const m = /listening on [^\\s"]*:(\\d+)/.exec(seen);
      if (m) resolve(Number(m[1]));
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    child.once("exit", (code) => reject(new Error(\`the service exited (\${code}) before listening:\\n\${seen}\`)));
  });
  return \`http://127.0.0.1:\${port}\`;
}

async function send(base, r) {
  const res = await fetch(base + r.path, { method: r.method, headers: r.headers, body: r.body });
  return { status: res.status, body: await res.text() };
}

test(${JSON.stringify(p.title)}, async (t) => {
  const env = {};
  for (const upstream of REPLAY.upstreams) env[upstream.env] = await serveRecorded(t, upstream.responses);
  const base = await startService(t, env);
  for (const r of REPLAY.setup) await send(base, r);
  const answer = await send(base, REPLAY.request);
  assert.ok(answer.status < 500, \`\${REPLAY.request.method} \${REPLAY.request.path} answered \${answer.status}: \${answer.body}\`);
});
`;
}
