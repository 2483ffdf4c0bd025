import { describe, expect, it } from "vitest";
import { LogTemplateWatcher, type WatchedLine } from "./log-template-watcher.js";

const MIN = 60_000;
const line = (at: number, message: string, service = "cart", level = "info"): WatchedLine => ({
  service,
  at,
  level,
  message,
});

/** Ten minutes of a service's routine logs, a few lines a minute. */
function routine(service = "cart"): WatchedLine[] {
  const out: WatchedLine[] = [];
  for (let m = 0; m < 10; m++) {
    for (let i = 0; i < 4; i++) {
      out.push(line(m * MIN + i * 1000, `GET /cart/${100 + i * m} 200 in ${3 + i} ms`, service));
      out.push(line(m * MIN + i * 1000 + 500, `cache hit for user ${7 * i + m}`, service));
    }
  }
  return out;
}

describe("LogTemplateWatcher", () => {
  it("stays quiet about templates seen during warm-up and on routine traffic", () => {
    const w = new LogTemplateWatcher({ warmupMs: 2 * MIN });
    expect(w.observe(routine())).toEqual([]);
  });

  it("reports a template first seen after warm-up, once, with its text and example", () => {
    const w = new LogTemplateWatcher({ warmupMs: 2 * MIN });
    w.observe(routine());
    const t = 11 * MIN;
    const found = w.observe([
      line(t, "TypeError: Cannot read properties of undefined (reading 'price') in total", "cart", "error"),
      line(t + 10, "TypeError: Cannot read properties of undefined (reading 'price') in total", "cart", "error"),
    ]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ kind: "new-template", service: "cart", level: "error" });
    expect(found[0]!.template).toContain("TypeError");
  });

  it("keeps services apart: another service's first lines are its own warm-up", () => {
    const w = new LogTemplateWatcher({ warmupMs: 2 * MIN });
    w.observe(routine("cart"));
    expect(w.observe([line(11 * MIN, "listening on 8080", "pricing")])).toEqual([]);
  });

  it("flags a burst of a usual template with its counts and p-value", () => {
    const w = new LogTemplateWatcher({ warmupMs: MIN });
    w.observe(routine());
    const burst = Array.from({ length: 60 }, (_, i) => line(11 * MIN + i * 100, `cache hit for user ${i}`));
    const found = w.observe(burst).filter((f) => f.kind === "burst");
    expect(found).toHaveLength(1);
    expect(found[0]!.count).toBeGreaterThanOrEqual(10);
    expect(found[0]!.expected).toBeLessThan(10);
    expect(found[0]!.pValue).toBeLessThan(1e-6);
  });

  it("never calls a known template new because other services' lines pushed its counts out", () => {
    // counts for 4 pairs only: a noisy service's distinct lines evict cart's pairs at once
    const w = new LogTemplateWatcher({ warmupMs: MIN, maxTracked: 4 });
    w.observe(routine("cart"));
    const noisy = Array.from({ length: 50 }, (_, i) =>
      line(10 * MIN + i, `${"word ".repeat(i % 9)}event ${i}`, "noisy"),
    );
    w.observe(noisy);
    const again = [line(11 * MIN, "GET /cart/7 200 in 4 ms"), line(11 * MIN + 1, "cache hit for user 3")];
    expect(w.observe(again)).toEqual([]);
    // and after a restore of both services (counts restored one after the other)
    const cart = w.snapshot("cart")!;
    const restored = new LogTemplateWatcher({ warmupMs: MIN, maxTracked: 4 });
    restored.restore("cart", cart, "log-templates v1");
    restored.restore("noisy", w.snapshot("noisy")!, "log-templates v1");
    expect(restored.observe([line(12 * MIN, "cache hit for user 9")])).toEqual([]);
    expect(restored.observe([line(12 * MIN + 5, "disk full on /var", "cart", "error")])).toHaveLength(1);
  });

  it("mines only the head of a long line and keeps saved templates within a byte budget", () => {
    const w = new LogTemplateWatcher({ warmupMs: 0 });
    const long = (i: number) => `${`tok${i}a `.repeat(20_000)}${"x".repeat(64 * 1024)}`;
    for (let i = 0; i < 40; i++) w.observeLine(line(i * 1000, long(i)));
    const full = w.snapshot("cart")!;
    for (const [, tokens] of full.miner.clusters) {
      expect(tokens.length).toBeLessThanOrEqual(64);
      expect(tokens.join(" ").length).toBeLessThanOrEqual(2048);
    }
    const bytes = (s: unknown) => Buffer.byteLength(JSON.stringify(s));
    expect(bytes(full.miner)).toBeLessThan(40 * 2048 * 2);
    const small = w.snapshot("cart", 10_000)!;
    expect(bytes(small.miner.clusters)).toBeLessThanOrEqual(10_000);
    expect(small.miner.clusters.length).toBeGreaterThan(0);
    // the ones kept are the most recently matched, and their counts come with them
    expect(small.miner.clusters.at(-1)).toEqual(full.miner.clusters.at(-1));
    expect(small.stats.map(([id]) => id).sort()).toEqual(small.miner.clusters.map(([id]) => id).sort());
    const back = new LogTemplateWatcher({ warmupMs: 0 });
    back.restore("cart", small, "log-templates v1");
    expect(back.observeLine(line(50_000, long(39))).findings).toEqual([]);
  });

  it("raises nothing for a held service (being restored) until it is settled, and still learns its lines", () => {
    const w = new LogTemplateWatcher({ warmupMs: 0 });
    w.hold("cart");
    const error = line(MIN, "disk full on /var/lib/cart", "cart", "error");
    expect(w.observe([error, line(MIN + 1, "listening on 8080", "pricing")]).map((f) => f.service)).toEqual([
      "pricing",
    ]);
    w.settle("cart");
    expect(w.observe([line(2 * MIN, "disk full on /var/lib/db", "cart", "error")])).toEqual([]);
    expect(w.observe([line(2 * MIN + 1, "connection reset by peer", "cart")])).toHaveLength(1);
  });
});
