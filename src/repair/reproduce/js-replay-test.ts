/**
 * The JavaScript regression test that replays a failing request (see `reproduction.ts`), written
 * for node:test, vitest or jest. The three share the replay helpers; they differ in imports,
 * cleanup (`t.after` or an `afterEach` over registered cleanups) and the assertion. Jest tests use
 * the package's module syntax (ES modules for `"type": "module"`, CommonJS otherwise), as the
 * project's own jest setup expects of its `.test.js` files.
 */

/** The parts of the generated test. */
export interface ReplayTestParts {
  framework: "node:test" | "vitest" | "jest";
  title: string;
  start: readonly string[];
  /** `{ setup, request, upstreams }`, embedded as JSON. */
  data: unknown;
  /** The service directory relative to the test file, ending in `/` (`../`). */
  serviceRoot: string;
  /** Jest only: write ES module syntax (else CommonJS). */
  esm?: boolean;
}

/** Imports and the service directory, per framework and module syntax. */
function prelude(p: ReplayTestParts): string {
  const root = JSON.stringify(p.serviceRoot);
  if (p.framework === "jest" && !p.esm)
    return `const { spawn } = require("node:child_process");
const { once } = require("node:events");
const { createServer } = require("node:http");
const { resolve } = require("node:path");

const SERVICE_DIR = resolve(__dirname, ${root});`;
  const framework =
    p.framework === "node:test"
      ? `import assert from "node:assert/strict";\n`
      : p.framework === "vitest"
        ? `import { afterEach, expect, test } from "vitest";\n`
        : "";
  const nodeTest = p.framework === "node:test" ? `import { test } from "node:test";\n` : "";
  return `${framework}import { spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:http";
${nodeTest}import { fileURLToPath } from "node:url";

const SERVICE_DIR = fileURLToPath(new URL(${root}, import.meta.url));`;
}

/** The test itself: start upstreams and the service, replay, assert no 5xx. */
function testBlock(p: ReplayTestParts): string {
  const title = JSON.stringify(p.title);
  const replay = `const env = {};
  for (const upstream of REPLAY.upstreams) env[upstream.env] = await serveRecorded(cleanup, upstream.responses);
  const base = await startService(cleanup, env);
  const bound = new Map();
  for (const [i, r] of REPLAY.setup.entries()) rebind(bound, i, await send(base, bound, r));
  const answer = await send(base, bound, REPLAY.request);
  const outcome = \`\${REPLAY.request.method} \${REPLAY.request.path} answered \${answer.status}: \${answer.body}\`;`;
  if (p.framework === "node:test")
    return `test(${title}, async (t) => {
  const cleanup = (fn) => t.after(fn);
  ${replay}
  assert.ok(answer.status < 500, outcome);
});`;
  const assertion =
    p.framework === "vitest"
      ? "expect(answer.status, outcome).toBeLessThan(500);"
      : "expect(outcome).not.toMatch(/ answered 5\\d\\d: /);";
  return `const cleanups = [];
const cleanup = (fn) => cleanups.push(fn);
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

test(${title}, async () => {
  ${replay}
  ${assertion}
});`;
}

/** The text of a test file replaying the failure; data is embedded as JSON literals. */
export function jsReplayTest(p: ReplayTestParts): string {
  return `// Regression test written by pitcrew: it replays the request that failed against the service,
// started as \`${p.start.join(" ")}\`, with its upstreams answering what they answered then.
${prelude(p)}
const START = ${JSON.stringify(p.start)};
const REPLAY = ${JSON.stringify(p.data, null, 2)};

async function serveRecorded(cleanup, responses) {
  const server = createServer((req, res) => {
    const hit =
      responses.find((r) => r.method === req.method && r.path === req.url) ??
      responses.find((r) => r.method === req.method && r.path.split("?")[0] === req.url.split("?")[0]);
    setTimeout(() => {
      res.writeHead(hit ? hit.status : 404, { "content-type": hit?.contentType ?? "application/json" });
      res.end(hit ? hit.body : JSON.stringify({ error: "not recorded" }));
    }, hit?.delayMs ?? 0);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  cleanup(() => server.close());
  return \`http://127.0.0.1:\${server.address().port}\`;
}

async function startService(cleanup, env) {
  const [command, ...args] = START;
  const child = spawn(command === "node" ? process.execPath : command, args, {
    cwd: SERVICE_DIR,
    env: { ...process.env, ...env, PORT: "0", HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  cleanup(() => child.kill("SIGKILL"));
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

/** Replaces each recorded identifier (as a whole word) by the one the fresh service answered. */
function rebound(bound, text) {
  if (text === undefined) return text;
  for (const [from, to] of bound) {
    const word = from.replace(/[.*+?^\${}()|[\\]\\\\]/g, "\\\\$&");
    text = text.replace(new RegExp(\`(?<![A-Za-z0-9])\${word}(?![A-Za-z0-9])\`, "g"), to);
  }
  return text;
}

/** Reads the identifiers REPLAY.bind says setup answer \`i\` holds. */
function rebind(bound, i, answer) {
  for (const b of REPLAY.bind.filter((b) => b.setup === i)) {
    let value;
    try {
      value = JSON.parse(answer.body);
      for (const key of b.pointer.split("/").slice(1)) value = value?.[key.replace(/~1/g, "/").replace(/~0/g, "~")];
    } catch {
      value = undefined;
    }
    if (typeof value === "string" || typeof value === "number") bound.set(b.value, String(value));
  }
}

async function send(base, bound, r) {
  const init = { method: r.method, headers: r.headers, body: rebound(bound, r.body) };
  const res = await fetch(base + rebound(bound, r.path), init);
  return { status: res.status, body: await res.text() };
}

${testBlock(p)}
`;
}
