import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSqliteTestDatabase, type TestDatabase } from "../../../test/support/databases.js";
import { silentLogger } from "../../common/logger.js";
import { createMemoryBus, EventLog } from "../../events/index.js";
import { AlertsRepo } from "../../store/repositories/alerts-repo.js";
import { EventsRepo } from "../../store/repositories/events-repo.js";
import { SeriesRepo } from "../../store/repositories/series-repo.js";
import { createBuiltinMetricsSource } from "../metrics/builtin/builtin-metrics-source.js";
import { AlertRecorder } from "./alert-recorder.js";
import { labelsFingerprint } from "./fingerprint.js";
import type { RuleGroup } from "./rule-file.js";
import { RuleEvaluator } from "./rule-evaluator.js";

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createSqliteTestDatabase();
});
afterAll(() => tdb.dispose());

const group: RuleGroup = {
  name: "api",
  rules: [
    {
      name: "HighErrors",
      expr: "errors > 5",
      forMs: 20_000,
      labels: { severity: "page" },
      annotations: { summary: "{{ $labels.job }} at {{ $value }}" },
    },
  ],
};

describe("RuleEvaluator", () => {
  it("goes pending → firing → resolved, emits the alert events once, and survives a restart", async () => {
    const db = tdb.database.db;
    const series = new SeriesRepo(db);
    const alerts = new AlertsRepo(db);
    const events = new EventLog(new EventsRepo(db), createMemoryBus(), { now: () => 0 });
    let now = 1_000_000;
    const make = () =>
      new RuleEvaluator(
        {
          source: createBuiltinMetricsSource(series),
          alerts,
          recorder: new AlertRecorder(alerts, events),
          clock: { now: () => now },
          log: silentLogger(),
        },
        [group],
        1000,
      );
    const set = (v: number) => series.append([{ labels: { __name__: "errors", job: "api" }, t: now, v }]);
    let ev = make();
    const fp = labelsFingerprint({ alertname: "HighErrors", job: "api", severity: "page" });

    await set(9);
    expect(await ev.evaluateGroup(group, now)).toEqual([]);
    expect(await alerts.get(fp)).toMatchObject({ status: "pending", value: 9, annotations: { summary: "api at 9" } });
    now += 10_000;
    await set(1);
    await ev.evaluateGroup(group, now);
    await expect(alerts.get(fp)).rejects.toThrow(/not found/);

    for (let i = 0; i < 3; i++) {
      now += 10_000;
      await set(10);
      await ev.evaluateGroup(group, now);
    }
    expect(await alerts.get(fp)).toMatchObject({ status: "firing", startsAt: now });
    ev = make();
    now += 10_000;
    await set(11);
    expect(await ev.evaluateGroup(group, now)).toEqual([]);
    now += 10_000;
    await set(0);
    expect((await ev.evaluateGroup(group, now)).map((a) => a.status)).toEqual(["resolved"]);

    const emitted = (await events.list({ subjectPrefix: "alert:" })).map((e) => [e.type, e.subject, e.data]);
    expect(emitted).toEqual([
      [
        "alert.firing",
        `alert:${fp}`,
        {
          fingerprint: fp,
          name: "HighErrors",
          status: "firing",
          labels: { alertname: "HighErrors", job: "api", severity: "page" },
          annotations: { summary: "api at 10" },
          severity: "page",
          service: "api",
          startsAt: new Date(now - 20_000).toISOString(),
          endsAt: null,
          source: "pitcrew-rules",
        },
      ],
      [
        "alert.resolved",
        `alert:${fp}`,
        expect.objectContaining({ status: "resolved", endsAt: new Date(now).toISOString() }),
      ],
    ]);
  });

  it("computes fingerprints like Prometheus/Alertmanager", () => {
    // Reference value: model.LabelSet{"alertname":"HighErrors","job":"api"}.Fingerprint().String()
    expect(labelsFingerprint({})).toBe("cbf29ce484222325");
    expect(labelsFingerprint({ job: "api", alertname: "HighErrors" })).toMatch(/^[0-9a-f]{16}$/);
  });
});
