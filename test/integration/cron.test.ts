/** Cron triggers against a real repository: scheduled firings, and one catch-up run after downtime. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCron } from "../../src/runner/index.js";
import { createRepo } from "../support/git-repo.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

const pipeline = (schedule: string) =>
  `on:\n  cron:\n    - name: tick\n      schedule: "${schedule}"\njobs:\n  hello:\n    steps:\n      - run: echo cron run\n`;

describe("cron triggers", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.dispose());

  const cronRuns = async (projectId: number) =>
    (await t.app.store.runs.list({ limit: 100 })).filter((r) => r.projectId === projectId && r.event === "cron");
  const until = async <T>(what: string, f: () => Promise<T | undefined>, ms = 30_000): Promise<T> => {
    const end = Date.now() + ms;
    for (;;) {
      const v = await f();
      if (v !== undefined) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  it("starts a run when a schedule fires", async () => {
    const p = await t.app.store.projects.create({
      name: "every-second",
      repoUrl: createRepo({ ".pitcrew/pipeline.yaml": pipeline("* * * * * *") }),
    });
    const stop = startCron(t.app.runner, 60_000);
    try {
      const [run] = await until("a cron run", async () => ((await cronRuns(p.id)).length ? cronRuns(p.id) : undefined));
      expect(run!.triggeredBy).toBe("cron:tick");
      expect(await t.waitForRun(run!.id)).toBe("success");
    } finally {
      stop();
    }
  });

  it("catches up once for firings missed while the server was down, and never for a new schedule", async () => {
    const p = await t.app.store.projects.create({
      name: "nightly",
      repoUrl: createRepo({ ".pitcrew/pipeline.yaml": pipeline("0 3 * * *") }),
    });
    const first = startCron(t.app.runner, 60_000);
    await until("the schedule to be recorded", async () => t.app.store.settings.get(`cron.last.${p.id}:tick`));
    first();
    expect(await cronRuns(p.id)).toEqual([]);

    // the server was "down" for three days: three 03:00 firings were missed → exactly one catch-up run
    await t.app.store.settings.set(`cron.last.${p.id}:tick`, String(Date.now() - 3 * 86_400_000));
    const second = startCron(t.app.runner, 60_000);
    try {
      const runs = await until("a catch-up run", async () =>
        (await cronRuns(p.id)).length ? cronRuns(p.id) : undefined,
      );
      expect(runs).toHaveLength(1);
      expect(runs[0]!.triggeredBy).toMatch(/^cron:tick \(missed at \d{4}-\d\d-\d\dT/);
      expect(Number(await t.app.store.settings.get(`cron.last.${p.id}:tick`))).toBeGreaterThan(Date.now() - 60_000);
    } finally {
      second();
    }
  });
});
