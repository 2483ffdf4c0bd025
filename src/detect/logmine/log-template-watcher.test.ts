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
});
