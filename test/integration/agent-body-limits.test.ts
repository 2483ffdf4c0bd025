/**
 * The agent protocol's largest bodies reach their routes whatever the server's `body_limit` (a real
 * app and Fastify): a `finish` naming the most quarantined ids of the longest, widest characters and
 * a `tests` call naming the most test files of the longest names are parsed and validated (the
 * unknown lease is what they are refused for), a byte more than the route's limit is a 413 (also
 * for a `dependencies` map), and other routes keep the server's limit.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DEPENDENCIES_BODY_LIMIT,
  FINISH_BODY_LIMIT,
  MAX_QUARANTINED,
  MAX_TEST_PATH,
  MAX_WIRE_TEST_ID,
  PROTOCOL_HEADER,
  PROTOCOL_VERSION,
  TESTS_BODY_LIMIT,
} from "../../src/agents/protocol.js";
import { MAX_TEST_FILES } from "../../src/runner/index.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

describe("agent protocol body limits", () => {
  let t: TestApp;
  let headers: Record<string, string>;
  let agentId: number;

  beforeAll(async () => {
    t = await startTestApp({ configure: (c) => (c.runner.local = false) });
    const { token } = await t.app.store.tokens.create("agents", "agent");
    headers = {
      authorization: `Bearer ${token}`,
      [PROTOCOL_HEADER]: String(PROTOCOL_VERSION),
      "content-type": "application/json",
    };
    const reg = await t.server.inject({
      method: "POST",
      url: "/api/agent/register",
      headers,
      payload: JSON.stringify({ name: "w", labels: [], capacity: {}, concurrency: 1, version: "test" }),
    });
    expect(reg.statusCode).toBe(200);
    agentId = reg.json().agentId;
  });
  afterAll(async () => {
    await t?.dispose();
  });

  const post = (url: string, payload: string) => t.server.inject({ method: "POST", url, headers, payload });

  it("accepts the largest finish its schema allows, and refuses a byte more with 413", async () => {
    // "€" is 3 bytes in UTF-8: the widest a character of an accepted id takes
    const quarantined = Array.from({ length: MAX_QUARANTINED }, (_, i) => `${i}`.padEnd(MAX_WIRE_TEST_ID, "€"));
    const body = JSON.stringify({ agentId, lastSeq: 0, status: "success", reason: null, exitCode: 0, quarantined });
    expect(Buffer.byteLength(body)).toBeGreaterThan(t.app.config.config.server.body_limit);
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(FINISH_BODY_LIMIT);
    const res = await post("/api/agent/jobs/999999/finish", body);
    expect(res.statusCode, res.body).not.toBe(413);
    expect(res.statusCode, res.body).not.toBe(400);
    expect([404, 409]).toContain(res.statusCode);

    const over = await post("/api/agent/jobs/999999/finish", body.padEnd(FINISH_BODY_LIMIT + 1, " "));
    expect(over.statusCode).toBe(413);
  });

  it("accepts the largest tests call its schema allows", async () => {
    const testFiles = Array.from({ length: MAX_TEST_FILES }, (_, i) => `${i}/`.padEnd(MAX_TEST_PATH, "€"));
    const body = JSON.stringify({ agentId, step: 0, testFiles });
    expect(Buffer.byteLength(body)).toBeGreaterThan(t.app.config.config.server.body_limit);
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(TESTS_BODY_LIMIT);
    const res = await post("/api/agent/jobs/999999/tests", body);
    expect(res.statusCode, res.body).not.toBe(413);
    expect([404, 409]).toContain(res.statusCode);
  });

  it("accepts a dependency map up to its route's own limit, and refuses a byte more with 413", async () => {
    const files = Array.from({ length: 15_000 }, (_, i) => `src/${i}/`.padEnd(500, "x"));
    const body = JSON.stringify({ agentId, step: 0, files, tests: [{ file: "a.test.js", deps: [0] }] });
    expect(Buffer.byteLength(body)).toBeGreaterThan(t.app.config.config.server.body_limit);
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(DEPENDENCIES_BODY_LIMIT);
    const res = await post("/api/agent/jobs/999999/dependencies", body);
    expect(res.statusCode, res.body).not.toBe(413);
    expect([404, 409]).toContain(res.statusCode);
    const over = await post("/api/agent/jobs/999999/dependencies", body.padEnd(DEPENDENCIES_BODY_LIMIT + 1, " "));
    expect(over.statusCode).toBe(413);
  });

  it("keeps the server's body limit on other agent routes", async () => {
    const big = JSON.stringify({ agentId, leases: [], pad: "x".repeat(t.app.config.config.server.body_limit) });
    expect((await post("/api/agent/heartbeat", big)).statusCode).toBe(413);
  });
});
