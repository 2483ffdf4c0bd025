import { afterEach, describe, expect, it } from "vitest";
import { storeRunOutcomes } from "../../test/support/test-history.js";
import { startTestApp, type TestApp } from "../../test/support/test-app.js";
import { retrainingPass } from "./model-retraining.js";

const HOUR = 3600_000;

describe("scheduled retraining", () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.dispose();
    t = undefined;
  });

  it("trains every project's models through the gate, skipping a project without data", async () => {
    t = await startTestApp();
    const { app } = t;
    app.config.config.learning.horizon = 20 * HOUR;
    const p = await app.store.projects.create({ name: "app", repoUrl: "/tmp/app" });
    await app.store.projects.create({ name: "empty", repoUrl: "/tmp/empty" });
    const start = Date.now() - 61 * HOUR;
    for (let i = 0; i < 60; i++) {
      const o: Record<string, boolean> = {};
      for (let k = 0; k < 10; k++) o[`a.T.s${k}`] = i >= 6 * k && i < 6 * k + 3;
      // the push's changed files: what test-cofailure learns from
      const changed = [`src/s${i % 10}.ts`];
      await storeRunOutcomes(app.store, p.id, `${i}`.padStart(40, "0"), [o], start + i * HOUR, changed);
    }
    await retrainingPass(app, false);
    expect(await app.store.modelVersions.list()).toEqual([]);
    await retrainingPass(app, true);
    const versions = await app.store.modelVersions.list();
    expect(versions.map((v) => v.model).sort()).toEqual(["test-cofailure", "test-failure", "test-flakiness"]);
    for (const v of versions) {
      expect(v).toMatchObject({ scope: `project:${p.id}`, version: 1 });
      expect(["live", "refused"]).toContain(v.status);
      const types = (await app.store.events.list({ subjectPrefix: `model:${v.model}` })).map((e) => e.type);
      expect(types).toEqual(["model.trained", v.status === "live" ? "model.promoted" : "model.refused"]);
    }
  });
});
