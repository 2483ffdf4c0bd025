import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { systemClock } from "../common/clock.js";
import { AgentClient } from "./agent-client.js";
import { persistCall } from "./persist-call.js";
import { type Assignment, type DependenciesBody, PROTOCOL_HEADER, PROTOCOL_VERSION } from "./protocol.js";
import { sendDependencies } from "./send-dependencies.js";

/** A real HTTP server taking dependency maps: answering `status` to each, recording the bodies. */
async function server(status: number): Promise<{ url: string; server: Server; bodies: DependenciesBody[] }> {
  const bodies: DependenciesBody[] = [];
  const s = createServer((req, res) => {
    let text = "";
    req.on("data", (c) => {
      text += c;
    });
    req.on("end", () => {
      if (status === 200) bodies.push(JSON.parse(text) as DependenciesBody);
      res.writeHead(status, { "content-type": "application/json", [PROTOCOL_HEADER]: String(PROTOCOL_VERSION) });
      res.end(JSON.stringify(status === 200 ? { testFiles: 1 } : { error: "down" }));
    });
  });
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, server: s, bodies };
}

/** A job whose step 0 runs the `*.test.js` files with coverage (only what sendDependencies reads). */
const job = { lease: 7, spec: { steps: [{ tests: { files: ["**/*.test.js"] } }] } } as unknown as Assignment;

/** Runs `a.test.js` (requiring `lib.js`) in a checkout reached through a symlink, with V8 coverage on. */
async function coveredCheckout(root: string): Promise<{ repoDir: string; coverageDir: string }> {
  await mkdir(join(root, "real", "repo"), { recursive: true });
  await writeFile(join(root, "real", "repo", "lib.js"), "module.exports = () => 1;\n");
  await writeFile(join(root, "real", "repo", "a.test.js"), 'require("./lib.js")();\n');
  await symlink(join(root, "real"), join(root, "link"));
  const repoDir = join(root, "link", "repo");
  const coverageDir = join(root, "coverage");
  await promisify(execFile)(process.execPath, ["a.test.js"], {
    cwd: repoDir,
    env: { ...process.env, NODE_V8_COVERAGE: coverageDir },
  });
  return { repoDir, coverageDir };
}

describe("sendDependencies", () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });
  const persistWith = (lastContact: () => number) => ({
    persist: <T>(call: () => Promise<T>, limits?: Parameters<typeof persistCall>[2]) =>
      persistCall({ clock: systemClock, lastContact, leaseMs: () => 30_000 }, call, limits),
  });

  it("sends the map of a checkout reached through a symlink (V8 names real paths)", async () => {
    const root = await mkdtemp(join(tmpdir(), "pitcrew-senddeps-"));
    cleanups.push(() => rm(root, { recursive: true, force: true }));
    const at = await coveredCheckout(root);
    const s = await server(200);
    cleanups.push(() => new Promise((r) => s.server.close(r)));
    const said: string[] = [];
    await sendDependencies(
      { client: new AgentClient(s.url, "t"), agentId: 3, ...persistWith(() => Date.now()) },
      job,
      0,
      { ...at, signal: new AbortController().signal },
      (l) => said.push(l),
    );
    expect(said).toEqual([]);
    expect(s.bodies).toHaveLength(1);
    expect(s.bodies[0]!.files).toContain("lib.js");
    expect(s.bodies[0]!.tests.map((t) => t.file)).toEqual(["a.test.js"]);
  });

  it("stops retrying a server answering 5xx for good when the job is cancelled", async () => {
    const root = await mkdtemp(join(tmpdir(), "pitcrew-senddeps-"));
    cleanups.push(() => rm(root, { recursive: true, force: true }));
    const at = await coveredCheckout(root);
    const s = await server(500);
    cleanups.push(() => new Promise((r) => s.server.close(r)));
    const cancel = new AbortController();
    setTimeout(() => cancel.abort(), 300);
    const said: string[] = [];
    const began = Date.now();
    await sendDependencies(
      // the heartbeats keep being answered: only the call's own limits can end the retries
      { client: new AgentClient(s.url, "t"), agentId: 3, ...persistWith(() => Date.now()) },
      job,
      0,
      { ...at, signal: cancel.signal },
      (l) => said.push(l),
    );
    expect(Date.now() - began).toBeLessThan(10_000);
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/^tests: dependency map not sent/);
  });
});
