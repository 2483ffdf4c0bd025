import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startTestApp, type TestApp } from "../../../test/support/test-app.js";
import { startHealing } from "../../app/healing.js";
import { buildProgram } from "../../cli/main.js";
import type { HealActions } from "../../heal/heal-actions.js";

/** The merge credentials of the `broken` service's repository are missing until a test provides them. */
let tokenMissing = true;

/** Actions that find nothing actionable: every heal escalates after diagnosing (or fails, for `broken`). */
const clueless: HealActions = {
  diagnose: async (ctx) => {
    if (ctx.heal.service === "broken" && tokenMissing) throw new Error("ENOENT: pitcrew-merge-token");
    return { kind: "unknown", confidence: 0.1, summary: "no stack trace and no recent deploy" };
  },
  mitigate: async () => ({ status: "pending" }),
  repair: async () => ({ none: "not reached" }),
  checkCi: async () => ({ status: "pending" }),
  merge: async () => ({ sha: "", note: "" }),
  deploy: async () => ({ status: "pending" }),
  verify: async () => ({ status: "pending" }),
};

describe("heals API", () => {
  let t: TestApp;
  let stop: () => void;
  const call = (method: "GET" | "POST", url: string, payload?: unknown, token?: string) =>
    t.server.inject({
      method,
      url,
      payload: payload as object,
      headers: { authorization: `Bearer ${token ?? t.adminToken}` },
    });

  beforeAll(async () => {
    t = await startTestApp({ healing: { actions: clueless, settings: { pollMs: 60_000 } } });
    stop = startHealing(t.app);
  });
  afterAll(async () => {
    stop();
    await t.dispose();
  });

  it("lists and shows heals with their timeline; retry and escalate follow the machine", async () => {
    const at = Date.now();
    const signal = { kind: "alert" as const, key: "k", service: "cart", status: "firing" as const, data: {}, at };
    const incident = await t.app.store.incidents.open(
      { title: "HighErrorRate", service: "cart", severity: "critical", at },
      signal,
      [],
    );
    const o = t.app.healing!;
    await o.catchUp();
    for (let i = 0; i < 3; i++) await o.tick();

    const list = await call("GET", "/api/heals?service=cart");
    expect(list.statusCode).toBe(200);
    const [heal] = list.json().heals;
    expect(heal).toMatchObject({ incidentId: incident.id, state: "escalated", reason: "no actionable hypothesis" });
    expect(typeof heal.detectedAt).toBe("string");

    const shown = await call("GET", `/api/incidents/${incident.id}/heal`);
    expect(shown.json().timeline.map((e: { to: string }) => e.to)).toEqual(["detected", "diagnosing", "escalated"]);
    expect((await call("GET", "/api/incidents/999/heal")).statusCode).toBe(404);
    expect((await call("GET", "/api/heals?state=bogus")).statusCode).toBe(400);

    const retried = await call("POST", `/api/heals/${heal.id}/retry`);
    expect(retried.statusCode).toBe(200);
    expect(retried.json().state).toBe("diagnosing");
    expect((await call("POST", `/api/heals/${heal.id}/retry`)).statusCode).toBe(409);
    expect((await call("POST", `/api/heals/${heal.id}/escalate`, {})).statusCode).toBe(400);
    const escalated = await call("POST", `/api/heals/${heal.id}/escalate`, { reason: "taking it from here" });
    expect(escalated.json()).toMatchObject({ state: "escalated", reason: "taking it from here" });

    const { token: viewer } = await t.app.store.tokens.create("v", "viewer");
    expect((await call("POST", `/api/heals/${heal.id}/retry`, undefined, viewer)).statusCode).toBe(403);
  });

  it("pitcrew heal list/show/retry: a failed heal says why, and is retried over HTTP", async () => {
    const at = Date.now();
    const signal = { kind: "alert" as const, key: "b", service: "broken", status: "firing" as const, data: {}, at };
    const incident = await t.app.store.incidents.open(
      { title: "HighErrorRate", service: "broken", severity: "critical", at },
      signal,
      [],
    );
    const o = t.app.healing!;
    await o.catchUp();
    for (let i = 0; i < 8; i++) await o.tick();
    const url = await t.server.listen({ port: 0, host: "127.0.0.1" });
    const cli = async (...args: string[]) => {
      let out = "";
      const write = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
        out += String(chunk);
        return true;
      });
      try {
        const argv = ["node", "pitcrew", "heal", ...args, "--server", url, "--token", t.adminToken];
        await (await buildProgram(argv)).parseAsync(argv);
      } finally {
        write.mockRestore();
      }
      return out;
    };
    const listed = await cli("list", "--state", "failed");
    expect(listed).toMatch(new RegExp(`incident ${incident.id}  broken  failed — ENOENT: pitcrew-merge-token`));
    const id = /heal (\d+)/.exec(listed)![1]!;
    expect(await cli("show", id)).toMatch(/diagnosing → failed: diagnosing failed 5×: ENOENT: pitcrew-merge-token/);
    tokenMissing = false;
    expect(await cli("retry", id)).toMatch(/broken {2}diagnosing$/m);
    await o.tick();
    const shown = JSON.parse(await cli("show", id, "--json"));
    expect(shown.state).toBe("escalated");
    expect(shown.timeline.map((e: { note: string }) => e.note)).toContain(
      "retried by token:test-admin (it was failed: ENOENT: pitcrew-merge-token)",
    );
  });
});
