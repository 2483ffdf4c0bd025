/**
 * bench:log-templates — the cost of checkpointing the log template watcher (`log-templates`,
 * src/detect/learning/log-templates-model.ts) for a busy service, beside the baseline of the
 * serving watcher mining the same lines as they arrive (measured in the same run):
 *
 * - a generated hour of one service's logs at the data set's cap (50,000 lines, about 14 a
 *   second): 300 message shapes with skewed frequencies (a few very common, most rare), numbers
 *   and ids in them;
 * - an hour of 20,000 shapes made of distinct words, to show the state's cap (5,000 templates);
 * - in memory: the first checkpoint (update + evaluation of both states on the held-out 30 %, as
 *   `applyOnlineUpdate` decides it), the state's JSON size and template count, a restore;
 * - through the store (SQLite, the registry's path): the hour stored, the first checkpoint, then a
 *   second hour stored and the hourly checkpoint over it.
 *
 * Prints the figures (bench/README.md records them).
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import type { Clock } from "../../src/common/clock.js";
import { createSecretBox } from "../../src/common/secret-box.js";
import { LogTemplateWatcher, type LogTemplatesState, logTemplatesModel } from "../../src/detect/index.js";
import type { LogLine } from "../../src/detect/learning/log-lines.js";
import { createMemoryBus, EventLog } from "../../src/events/index.js";
import { applyOnlineUpdate, ModelRegistry, onlineUpdateDecision, seededRandom } from "../../src/learning/index.js";
import { createStore, type LogRecord, migrateToLatest, openDatabase } from "../../src/store/index.js";

const LINES = 50_000;
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 1);
const SHAPES = 300;
const WORDS = ["request", "cache", "user", "order", "payment", "retry", "worker", "queue", "session", "token"];

/** `k` written in letters only (digits would be masked as variables). */
const tag = (k: number) => k.toString(26).replace(/[0-9]/g, (d) => "qrstuvwxyz"[Number(d)]!);

/** Hour `h`'s lines of service `cart` with `SHAPES` (or `shapes`) shapes: shape k drawn with weight 1/(k+1). */
function hour(h: number, shapes = SHAPES): LogRecord[] {
  const next = seededRandom(h + 7);
  const weights = Array.from({ length: shapes }, (_, k) => 1 / (k + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const pick = () => {
    let x = next() * total;
    for (let k = 0; k < shapes; k++) {
      x -= weights[k]!;
      if (x <= 0) return k;
    }
    return shapes - 1;
  };
  return Array.from({ length: LINES }, (_, i) => {
    const k = pick();
    const w = (j: number) => WORDS[(k * 7 + j * 3) % WORDS.length]!;
    const message =
      shapes > SHAPES
        ? `${tag(k)} ${tag(k + 1e5)} ${tag(k + 2e5)} ${tag(k + 3e5)} took ${Math.floor(next() * 500)} ms`
        : `${w(0)} ${tag(k)} ${w(1)} ${w(2)} id=${Math.floor(next() * 1e6)} took ${Math.floor(next() * 500)} ms ${k % 3 === 0 ? `for ${w(3)}` : ""}`;
    return {
      at: T0 + h * HOUR + Math.floor((i * HOUR) / LINES),
      service: "cart",
      level: k % 17 === 0 ? "warn" : "info",
      message,
      traceId: null,
      spanId: null,
      attributes: {},
      source: "http",
    };
  });
}

const ms = (t0: number) => `${(performance.now() - t0).toFixed(0)} ms`;
const asItems = (records: LogRecord[]): LogLine[] =>
  records.map((r) => ({ at: r.at, service: r.service, level: r.level, message: r.message, incident: false }));

async function main() {
  console.log(
    `load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
  );
  const first = hour(0);

  let t = performance.now();
  const serving = new LogTemplateWatcher();
  serving.observe(first);
  console.log(`baseline: the serving watcher mines the hour (${LINES} lines): ${ms(t)}`);

  t = performance.now();
  const decision = onlineUpdateDecision(logTemplatesModel, logTemplatesModel.initialState(), [], asItems(first));
  const m = (e: { metrics: Record<string, number> }) => e.metrics.false_alarm_rate!.toFixed(4);
  console.log(
    `first checkpoint in memory (update on 70 %, both evaluated on 30 %): ${ms(t)}; false_alarm_rate ${m(decision.after)} vs ${m(decision.base)} (worse: ${decision.worse})`,
  );
  const state = decision.state as LogTemplatesState;
  t = performance.now();
  const json = JSON.stringify(state);
  console.log(
    `state: ${state.templates!.miner.clusters.length} templates, ${(json.length / 1e6).toFixed(2)} MB JSON (stringify ${ms(t)})`,
  );
  t = performance.now();
  new LogTemplateWatcher().restore("cart", (JSON.parse(json) as LogTemplatesState).templates!, "bench");
  console.log(`restore (parse + rebuild): ${ms(t)}`);

  const wide = onlineUpdateDecision(logTemplatesModel, logTemplatesModel.initialState(), [], asItems(hour(0, 20_000)));
  const wideState = wide.state as LogTemplatesState;
  console.log(
    `an hour of 20,000 shapes made of distinct words: state at ${wideState.templates!.miner.clusters.length} templates, ${(JSON.stringify(wideState).length / 1e6).toFixed(2)} MB JSON`,
  );

  const dir = mkdtempSync(join(tmpdir(), "bench-logtemplates-"));
  try {
    const database = await openDatabase(join(dir, "bench.db"));
    await migrateToLatest(database.db);
    let now = T0 + HOUR;
    const clock: Clock = { now: () => now };
    const store = createStore(database, clock, createSecretBox(randomBytes(32)));
    const deps = { store, events: new EventLog(store.events, createMemoryBus(), clock), clock };
    const registry = new ModelRegistry(deps, [logTemplatesModel]);
    await store.logRecords.insertMany(first);
    t = performance.now();
    const v1 = await applyOnlineUpdate(deps, registry, "log-templates", "service:cart", { from: T0, to: now });
    console.log(`through the store: first checkpoint (read + update + evaluate + store): ${ms(t)}; ${v1.reason}`);
    await store.logRecords.insertMany(hour(1));
    now = T0 + 2 * HOUR;
    t = performance.now();
    const v2 = await applyOnlineUpdate(deps, registry, "log-templates", "service:cart", {
      from: v1.trainTo + 1,
      to: now,
    });
    console.log(`through the store: hourly checkpoint: ${ms(t)}; ${v2.reason}`);
    await database.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    `load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
  );
}

await main();
