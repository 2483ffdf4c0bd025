/**
 * Attack: an API token in the URL (`?token=`), where it leaks into access logs and history. No
 * route accepts it (admin routes included); SSE routes take a short-lived sealed stream ticket
 * instead, which opens nothing else and stops working when it expires or its token is revoked.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HAS_DIST, type ServeProcess, startServe } from "../support/serve-process.js";

/** Status and first bytes of a GET (SSE responses are cut after the first chunk). */
async function peek(url: string): Promise<{ status: number; type: string | null; first: string }> {
  const res = await fetch(url);
  if (!res.body || res.status !== 200)
    return { status: res.status, type: res.headers.get("content-type"), first: await res.text() };
  const reader = res.body.getReader();
  const { value } = await reader.read();
  await reader.cancel();
  return { status: res.status, type: res.headers.get("content-type"), first: new TextDecoder().decode(value) };
}

describe.skipIf(!HAS_DIST)("tokens in URLs", () => {
  let s: ServeProcess;
  beforeAll(async () => {
    s = await startServe({ limits: { stream_ticket_ttl: "2s" } });
  });
  afterAll(async () => s?.stop());

  it("refuses ?token= on admin, read and SSE routes alike", async () => {
    for (const path of ["/api/tokens", "/api/projects", "/api/events/stream", "/api/runs/1/logs/stream"]) {
      const res = await fetch(`${s.base}${path}?token=${s.token}`);
      expect(res.status, path).toBe(401);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/not accepted in the URL/);
    }
  });

  it("mints a stream ticket with the bearer token; the ticket opens the SSE routes only", async () => {
    const minted = await s.api("POST", "/api/stream-tickets");
    expect(minted.status).toBe(201);
    const { ticket } = minted.body;
    expect(ticket).not.toContain(s.token.slice(4));
    const stream = await peek(`${s.base}/api/events/stream?ticket=${ticket}`);
    expect(stream.status).toBe(200);
    expect(stream.type).toContain("text/event-stream");
    for (const path of ["/api/tokens", "/api/projects", "/api/openapi.json"]) {
      expect((await peek(`${s.base}${path}?ticket=${ticket}`)).status, path).toBe(401);
    }
    // A ticket cannot mint tickets or act on anything.
    const post = await fetch(`${s.base}/api/stream-tickets?ticket=${ticket}`, { method: "POST" });
    expect(post.status).toBe(401);
  });

  it("refuses forged and expired tickets, and tickets of a revoked token", async () => {
    const forged = Buffer.from("x".repeat(60)).toString("base64url");
    expect((await peek(`${s.base}/api/events/stream?ticket=${forged}`)).status).toBe(401);

    const { ticket } = (await s.api("POST", "/api/stream-tickets")).body;
    await new Promise((r) => setTimeout(r, 2100));
    expect((await peek(`${s.base}/api/events/stream?ticket=${ticket}`)).status).toBe(401);

    const viewer = (await s.api("POST", "/api/tokens", { body: { name: "viewer", role: "viewer" } })).body;
    const fresh = (await s.api("POST", "/api/stream-tickets", { token: viewer.token })).body.ticket;
    expect((await peek(`${s.base}/api/events/stream?ticket=${fresh}`)).status).toBe(200);
    expect((await s.api("DELETE", `/api/tokens/${viewer.id}`)).status).toBe(204);
    expect((await peek(`${s.base}/api/events/stream?ticket=${fresh}`)).status).toBe(401);
  });
});
