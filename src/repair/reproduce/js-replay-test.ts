/**
 * The JavaScript regression test that replays a failing request (see `reproduction.ts`), written
 * for node:test, vitest, jest or mocha. They share the replay helpers; they differ in imports,
 * cleanup (`t.after` or an `afterEach` over registered cleanups) and the assertion. Jest and
 * mocha tests use the package's module syntax (ES modules for `"type": "module"`, CommonJS
 * otherwise), as the project's own setup expects of its `.test.js` files.
 *
 * Only what every supported runtime offers is used: core modules by their bare names for jest
 * and mocha (jest before 28 cannot resolve `node:` specifiers), requests through `http` (no
 * global `fetch` before Node.js 18 or in jest 26's environment), and a 30 s test timeout (the
 * service starts inside the test). A 5xx answer fails the test with the service's output (the
 * last 4 KiB), so the proof can check that the incident's error is what failed it.
 */

/** The parts of the generated test. */
export interface ReplayTestParts {
  framework: "node:test" | "vitest" | "jest" | "mocha";
  title: string;
  start: readonly string[];
  /** `{ setup, request, upstreams }`, embedded as JSON. */
  data: unknown;
  /** The service directory relative to the test file, ending in `/` (`../`). */
  serviceRoot: string;
  /** Jest and mocha: write ES module syntax (else CommonJS). */
  esm?: boolean;
}

/** Imports and the service directory, per framework and module syntax. */
function prelude(p: ReplayTestParts): string {
  const root = JSON.stringify(p.serviceRoot);
  const bare = p.framework === "jest" || p.framework === "mocha";
  const core = (name: string) => JSON.stringify(bare ? name : `node:${name}`);
  const mochaAssert = p.framework === "mocha";
  if (bare && !p.esm)
    return `${mochaAssert ? `const assert = require("assert");\n` : ""}const { spawn } = require("child_process");
const { once } = require("events");
const { createServer, request } = require("http");
const { resolve } = require("path");

const SERVICE_DIR = resolve(__dirname, ${root});`;
  const framework =
    p.framework === "node:test"
      ? `import assert from "node:assert/strict";\n`
      : p.framework === "vitest"
        ? `import { afterEach, expect, test } from "vitest";\n`
        : mochaAssert
          ? `import assert from "assert";\n`
          : "";
  const nodeTest = p.framework === "node:test" ? `import { test } from "node:test";\n` : "";
  return `${framework}import { spawn } from ${core("child_process")};
import { once } from ${core("events")};
import { createServer, request } from ${core("http")};
${nodeTest}import { fileURLToPath } from ${core("url")};

const SERVICE_DIR = fileURLToPath(new URL(${root}, import.meta.url));`;
}

/** The test itself: start upstreams and the service, replay, assert no 5xx. */
function testBlock(p: ReplayTestParts): string {
  const title = JSON.stringify(p.title);
  const replay = `const env = {};
  for (const upstream of REPLAY.upstreams) env[upstream.env] = await serveRecorded(cleanup, upstream.responses);
  const service = await startService(cleanup, env);
  const bound = new Map();
  for (const [i, r] of REPLAY.setup.entries()) rebind(bound, i, await send(service.base, bound, r));
  const answer = await send(service.base, bound, REPLAY.request);
  await new Promise((r) => setTimeout(r, answer.status >= 500 ? 200 : 0)); // let the service finish logging
  const outcome = \`\${REPLAY.request.method} \${REPLAY.request.path} answered \${answer.status}: \${answer.body}\\nservice output:\\n\${service.output()}\`;`;
  if (p.framework === "node:test")
    return `test(${title}, { timeout: 30000 }, async (t) => {
  const cleanup = (fn) => t.after(fn);
  ${replay}
  assert.ok(answer.status < 500, outcome);
});`;
  const assertion =
    p.framework === "vitest"
      ? "expect(answer.status, outcome).toBeLessThan(500);"
      : p.framework === "mocha"
        ? "assert.ok(answer.status < 500, outcome);"
        : "expect(outcome).not.toMatch(/ answered 5\\d\\d: /);";
  const cleanups = `const cleanups = [];
const cleanup = (fn) => cleanups.push(fn);
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});
`;
  if (p.framework === "mocha")
    return `${cleanups}
it(${title}, async function () {
  this.timeout(30000);
  ${replay}
  ${assertion}
});`;
  return `${cleanups}
test(${title}, async () => {
  ${replay}
  ${assertion}
}, 30000);`;
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
      seen = (seen + chunk).slice(-4096);
      const m = /listening on [^\\s"]*:(\\d+)/.exec(seen);
      if (m) resolve(Number(m[1]));
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    child.once("exit", (code) => reject(new Error(\`the service exited (\${code}) before listening:\\n\${seen}\`)));
  });
  return { base: \`http://127.0.0.1:\${port}\`, output: () => seen };
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

function send(base, bound, r) {
  const body = rebound(bound, r.body);
  return new Promise((resolve, reject) => {
    const req = request(base + rebound(bound, r.path), { method: r.method, headers: r.headers ?? {} }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

${testBlock(p)}
`;
}
