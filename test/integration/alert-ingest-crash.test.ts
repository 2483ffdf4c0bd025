/**
 * Alert ingest is durable: every Alertmanager webhook a real `pitcrew serve` answered 200 is in
 * the store with its `alert.firing` events after a `kill -9` right after the last answer, and the
 * restarted server (same data dir) serves them. Needs `dist/` (npm run build).
 */
import { describe, expect, it } from "vitest";
import { HAS_DIST, type ServeProcess, startServe } from "../support/serve-process.js";

const BATCHES = 8;
const PER_BATCH = 50;

/** Webhook body `k` (payload version 4): PER_BATCH new firing alerts. */
function webhook(k: number) {
  return {
    version: "4",
    status: "firing",
    receiver: "pitcrew",
    alerts: Array.from({ length: PER_BATCH }, (_, i) => ({
      status: "firing",
      labels: { alertname: "HighErrorRate", job: `svc-${k}`, n: String(k * PER_BATCH + i) },
      annotations: { summary: "error rate above 5%" },
      startsAt: new Date(Date.now() - 60_000).toISOString(),
    })),
  };
}

describe.skipIf(!HAS_DIST)("alert ingest across kill -9", () => {
  it("keeps every alert and event answered 200 before the kill", async () => {
    let server: ServeProcess = await startServe();
    try {
      const answers = await Promise.all(
        Array.from({ length: BATCHES }, (_, k) => server.api("POST", "/api/alerts/alertmanager", { body: webhook(k) })),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(BATCHES).fill(200));
      expect(answers.every((a) => a.body.changed === PER_BATCH)).toBe(true);
      process.kill(server.pid, "SIGKILL");
      await server.stop({ keepData: true });
      server = await startServe({}, { dataDir: server.dataDir, token: server.token });

      const alerts = await server.api("GET", "/api/alerts?limit=1000");
      expect(alerts.body.alerts).toHaveLength(BATCHES * PER_BATCH);
      const fired = new Set<string>();
      for (let after = 0; ; ) {
        const page = await server.api("GET", `/api/events?type=alert.firing&after=${after}&limit=500`);
        for (const e of page.body.events) fired.add(e.data.fingerprint);
        if (page.body.events.length === 0) break;
        after = page.body.events.at(-1).id;
      }
      expect(fired).toEqual(new Set(alerts.body.alerts.map((a: { fingerprint: string }) => a.fingerprint)));
    } finally {
      await server.stop();
    }
  }, 120_000);
});
