import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../../test/support/test-app.js";

let t: TestApp;
let viewer: string;
beforeAll(async () => {
  t = await startTestApp();
  viewer = (await t.app.store.tokens.create("viewer", "viewer")).token;
});
afterAll(() => t?.dispose());

describe("services and metrics routes", () => {
  it("registers services (admin) and shows them (viewer)", async () => {
    const body = { name: "api", metricsUrl: "http://127.0.0.1:9100/metrics", repository: "shop", path: "svc/api" };
    const asViewer = await t.server.inject({
      method: "POST",
      url: "/api/services",
      headers: { authorization: `Bearer ${viewer}` },
      payload: body,
    });
    expect(asViewer.statusCode).toBe(403);
    const res = await t.server.inject({
      method: "POST",
      url: "/api/services",
      headers: { authorization: `Bearer ${t.adminToken}` },
      payload: body,
    });
    expect(res.statusCode, res.body).toBe(201);
    const shown = await t.server.inject({ url: "/api/services/api", headers: { authorization: `Bearer ${viewer}` } });
    expect(shown.json()).toMatchObject({
      ...body,
      environment: "production",
      scrapeIntervalMs: 15_000,
      logSource: null,
    });
    const list = await t.server.inject({ url: "/api/services", headers: { authorization: `Bearer ${viewer}` } });
    expect(list.json().services).toHaveLength(1);
    expect(
      (await t.server.inject({ url: "/api/services/nope", headers: { authorization: `Bearer ${viewer}` } })).statusCode,
    ).toBe(404);
  });

  it("answers PromQL in Prometheus' envelope and reports parse errors with the column", async () => {
    await t.app.store.series.append([{ labels: { __name__: "up", job: "api" }, t: 1_000_000, v: 1 }]);
    const ok = await t.server.inject({
      url: "/api/metrics/query?query=sum(up)&time=1000",
      headers: { authorization: `Bearer ${viewer}` },
    });
    expect(ok.json()).toEqual({
      status: "success",
      data: { resultType: "vector", result: [{ metric: {}, value: [1000, "1"] }] },
    });
    const range = await t.server.inject({
      url: "/api/metrics/query_range?query=up&start=1000&end=1010&step=5s",
      headers: { authorization: `Bearer ${viewer}` },
    });
    expect(range.json().data.result[0].values).toHaveLength(3);
    const bad = await t.server.inject({
      url: "/api/metrics/query?query=sum(up",
      headers: { authorization: `Bearer ${viewer}` },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details).toEqual({ column: 7 });
  });
});
