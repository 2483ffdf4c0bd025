/**
 * Attack: 10 viewers open a run's live log stream and never read while a step prints 100 MB
 * (before: the server grew from 113 MB to 3.6 GB). Each stream's unread output is bounded
 * (`limits.sse_buffer_bytes`): readers that fall behind are disconnected, and the server's peak
 * resident memory stays under 300 MB. The log cap is raised so all 100 MB really goes live.
 */
import { type Socket, connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRepo } from "../support/git-repo.js";
import { HAS_DIST, type ServeProcess, startServe, until } from "../support/serve-process.js";

const MB = 1024 * 1024;

/** Opens the stream over a raw socket, reads the response head, then stops reading. */
function stalledReader(s: ServeProcess, path: string): Promise<{ socket: Socket; closed: () => boolean }> {
  const url = new URL(s.base);
  return new Promise((resolve, reject) => {
    let closed = false;
    const socket = connect(Number(url.port), url.hostname, () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${s.token}\r\n\r\n`);
    });
    socket.on("error", () => undefined);
    socket.on("close", () => {
      closed = true;
    });
    socket.once("data", (chunk) => {
      if (!chunk.toString().startsWith("HTTP/1.1 200")) reject(new Error(chunk.toString()));
      socket.pause();
      resolve({ socket, closed: () => closed });
    });
  });
}

describe.skipIf(!HAS_DIST)("slow SSE readers", () => {
  let s: ServeProcess;
  beforeAll(async () => {
    s = await startServe({ limits: { log: { step_lines: 300_000, run_lines: 1_000_000 } } });
  });
  afterAll(async () => s?.stop());

  it("keeps the server under 300 MB while 10 stalled viewers follow a 100 MB step", { timeout: 120_000 }, async () => {
    const repo = createRepo({
      ".pitcrew/pipeline.yaml": [
        "jobs:",
        "  loud:",
        "    steps:",
        // 100,000 lines of 1,000 bytes, after the viewers are connected.
        `      - run: sleep 3; head -c 100000000 < <(yes "$(printf 'x%.0s' $(seq 1 999))")`,
        "",
      ].join("\n"),
    });
    expect((await s.api("POST", "/api/projects", { body: { name: "loud", repoUrl: repo } })).status).toBe(201);
    const baseline = s.memory().rss;
    const run = (await s.api("POST", "/api/projects/loud/runs", { body: {} })).body;
    const readers = await Promise.all(
      Array.from({ length: 10 }, () => stalledReader(s, `/api/runs/${run.id}/logs/stream`)),
    );
    const done = await s.waitForRun(run.id, 120_000);
    expect(done.status).toBe("success");
    const { peak } = s.memory();
    expect(peak).toBeLessThan(300 * MB);
    // Every stalled reader was cut off rather than buffered for.
    await until(
      async () => {
        // Reading now drains what the kernel holds and lets the client see the server's close.
        for (const r of readers) r.socket.resume();
        return readers.every((r) => r.closed());
      },
      10_000,
      "the stalled readers to be disconnected",
    );
    expect(s.output()).toMatch(/SSE client too far behind: disconnected/);
    // The run's output was all stored and the server still answers.
    const logs = (await s.api("GET", `/api/runs/${run.id}/logs?limit=10`)).body.jobs[0].lines;
    expect(logs.length).toBe(10);
    expect((await s.api("GET", "/healthz", { token: null })).status).toBe(200);
    console.log(`server RSS: baseline ${Math.round(baseline / MB)} MB, peak ${Math.round(peak / MB)} MB`);
  });
});
