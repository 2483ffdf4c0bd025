/**
 * What one stored alert costs embedded SQLite, by how its events are written: CPU time (user +
 * system, robust on a loaded machine) per alert for 100-alert transactions on pitcrew's real
 * schema, growing to `--alerts` rows. Modes, each on a fresh database, taking turns per round:
 * - `per-alert`: what pitcrew does (one `alert.firing` row per alert, subject `alert:<fingerprint>`);
 * - `per-alert, no subject index`: the same without the `events_subject` index, to price it;
 * - `one per batch`: one event row carrying the batch's 100 alerts;
 * - `no events`: the alerts alone.
 * Each mode also runs with SQLite's default WAL checkpoint (1,000 pages) beside pitcrew's.
 * Usage: npm run bench:ingest-alerts-sqlite -- [--alerts 60000] [--rounds 2]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { labelsFingerprint } from "../../src/observe/alerts/fingerprint.js";
import { migrateToLatest, openDatabase } from "../../src/store/index.js";

const arg = (name: string, dflt: number) => Number(process.argv[process.argv.indexOf(`--${name}`) + 1]) || dflt;
const BATCH = 100;
const COLUMNS =
  "fingerprint, name, status, source, labels, annotations, value, active_at, starts_at, ends_at, updated_at";
const tuples = (rows: number, width: number) =>
  Array(rows)
    .fill(`(${Array(width).fill("?").join(",")})`)
    .join(",");

type Mode = "per-alert" | "per-alert, no subject index" | "one per batch" | "no events";

/** Alert `n`, as the HTTP bench sends it. */
function alert(n: number) {
  const labels = {
    alertname: `HighErrorRate${n % 7}`,
    job: `svc-${n % 13}`,
    instance: `10.0.${n % 250}.${n % 199}:9100`,
    n: String(n),
    severity: n % 5 ? "warning" : "critical",
  };
  const annotations = { summary: `error rate above 5% on svc-${n % 13}`, runbook: "https://runbooks.example/errors" };
  return { fingerprint: labelsFingerprint(labels), labels, annotations };
}

/** CPU µs per alert to store `total` alerts in `mode`, with `checkpointPages` (0: SQLite's default). */
async function measure(mode: Mode, total: number, checkpointPages: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "pitcrew-bench-sqlite-"));
  const database = await openDatabase(`sqlite:${join(dir, "pitcrew.db")}`);
  try {
    await migrateToLatest(database.db);
    const sqlite = database.sqlite!;
    sqlite.pragma(`wal_autocheckpoint = ${checkpointPages || 1000}`);
    if (mode === "per-alert, no subject index") sqlite.exec("DROP INDEX events_subject");
    const select = sqlite.prepare(`SELECT fingerprint, status FROM alerts WHERE fingerprint IN ${tuples(1, BATCH)}`);
    const upsert = sqlite.prepare(
      `INSERT INTO alerts (${COLUMNS}) VALUES ${tuples(BATCH, 11)} ON CONFLICT (fingerprint) DO UPDATE SET ${COLUMNS.split(
        ", ",
      )
        .slice(1)
        .map((c) => `${c} = excluded.${c}`)
        .join(", ")}`,
    );
    const events = sqlite.prepare(
      `INSERT INTO events (type, subject, data, at) VALUES ${tuples(BATCH, 4)} RETURNING id`,
    );
    const event = sqlite.prepare("INSERT INTO events (type, subject, data, at) VALUES (?, ?, ?, ?) RETURNING id");
    const store = sqlite.transaction((k: number) => {
      const alerts = Array.from({ length: BATCH }, (_, i) => alert(k * BATCH + i));
      const now = Date.now();
      select.all(alerts.map((a) => a.fingerprint));
      upsert.run(
        alerts.flatMap((a) => [
          a.fingerprint,
          a.labels.alertname,
          "firing",
          "alertmanager",
          JSON.stringify(a.labels),
          JSON.stringify(a.annotations),
          null,
          now,
          now,
          null,
          now,
        ]),
      );
      const data = alerts.map((a) => ({
        fingerprint: a.fingerprint,
        name: a.labels.alertname,
        status: "firing",
        labels: a.labels,
        annotations: a.annotations,
        severity: a.labels.severity,
        service: a.labels.job,
        startsAt: new Date(now).toISOString(),
        endsAt: null,
        source: "alertmanager",
      }));
      if (mode === "one per batch") event.all(["alert.batch", "alert", JSON.stringify({ alerts: data }), now]);
      else if (mode !== "no events")
        events.all(data.flatMap((d) => ["alert.firing", `alert:${d.fingerprint}`, JSON.stringify(d), now]));
    });
    const cpu0 = process.cpuUsage();
    for (let k = 0; k < total / BATCH; k++) store(k);
    const cpu = process.cpuUsage(cpu0);
    return (cpu.user + cpu.system) / total;
  } finally {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const total = arg("alerts", 60_000);
const modes: Mode[] = ["per-alert", "per-alert, no subject index", "one per batch", "no events"];
const results = new Map<string, number[]>();
for (let round = 0; round < arg("rounds", 2); round++)
  for (const mode of modes)
    for (const pages of [8000, 0]) {
      const key = `| ${mode} | ${pages || "1000 (SQLite default)"} |`;
      results.set(key, [...(results.get(key) ?? []), await measure(mode, total, pages)]);
    }
console.log(`${total.toLocaleString("en")} alerts in 100-alert transactions; CPU µs per alert, each round`);
console.log("| events | WAL checkpoint (pages) | CPU µs / alert |\n| --- | --- | --- |");
for (const [key, us] of results) console.log(`${key} ${us.map((u) => u.toFixed(1)).join(" / ")} |`);
