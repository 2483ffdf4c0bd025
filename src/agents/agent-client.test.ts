import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { AgentClient } from "./agent-client.js";
import { PROTOCOL_HEADER, PROTOCOL_VERSION } from "./protocol.js";

/** A real HTTP server answering heartbeats, except the first `hang` requests, which it never answers. */
async function replica(hang = 0): Promise<{ url: string; server: Server; calls: () => number }> {
  let calls = 0;
  const server = createServer((req, res) => {
    calls++;
    req.resume();
    if (calls <= hang) return;
    res.writeHead(200, { "content-type": "application/json", [PROTOCOL_HEADER]: String(PROTOCOL_VERSION) });
    res.end(JSON.stringify({ cancel: [], drop: [] }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, calls: () => calls };
}

describe("AgentClient failover", () => {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
  });

  it("stays with a live, busy replica after one heartbeat timed out", async () => {
    const a = await replica(1);
    const b = await replica();
    servers.push(a.server, b.server);
    const moves: string[] = [];
    const client = new AgentClient(
      [a.url, b.url],
      "t",
      (_from, to) => moves.push(to),
      () => 60_000,
    );
    await expect(client.heartbeat(1, [], AbortSignal.timeout(200))).rejects.toThrow(/cannot reach/);
    expect(client.server).toBe(a.url);
    expect(await client.heartbeat(1, [])).toEqual({ cancel: [], drop: [] });
    expect(moves).toEqual([]);
    expect(b.calls()).toBe(0);
  });

  it("moves to the next replica once its own refuses connections on consecutive calls", async () => {
    const a = await replica();
    const b = await replica();
    servers.push(b.server);
    await new Promise((r) => a.server.close(r));
    const moves: string[] = [];
    const client = new AgentClient(
      [a.url, b.url],
      "t",
      (_from, to) => moves.push(to),
      () => 60_000,
    );
    await expect(client.heartbeat(1, [])).rejects.toThrow(/cannot reach/);
    expect(client.server).toBe(a.url);
    await expect(client.heartbeat(1, [])).rejects.toThrow(/cannot reach/);
    expect(moves).toEqual([b.url]);
    expect(await client.heartbeat(1, [])).toEqual({ cancel: [], drop: [] });
    expect(b.calls()).toBe(1);
  });

  it("moves after timeouts that last the sustain time", async () => {
    const a = await replica(10);
    const b = await replica();
    servers.push(a.server, b.server);
    const client = new AgentClient(
      [a.url, b.url],
      "t",
      () => {},
      () => 300,
    );
    await expect(client.heartbeat(1, [], AbortSignal.timeout(200))).rejects.toThrow(/cannot reach/);
    expect(client.server).toBe(a.url);
    await expect(client.heartbeat(1, [], AbortSignal.timeout(200))).rejects.toThrow(/cannot reach/);
    expect(client.server).toBe(b.url);
  });
});
