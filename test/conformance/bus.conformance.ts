/** One conformance suite for every Bus implementation (DESIGN.md §3). */
import { describe, expect, it } from "vitest";
import type { Bus } from "../../src/events/bus.js";
import type { BusMessage } from "../../src/events/domain-event.js";

const ev = (id: number): BusMessage => ({
  kind: "event",
  event: { id, type: "run.started", subject: `run:${id}`, data: { runId: id }, at: id },
});
const until = async (cond: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
};

/** Runs the bus contract against fresh buses from `make`. */
export function runBusConformance(name: string, make: () => Promise<Bus>) {
  describe(`Bus conformance: ${name}`, () => {
    it("delivers messages in publish order to every subscriber", async () => {
      const bus = await make();
      const a: number[] = [];
      const b: number[] = [];
      bus.subscribe((m) => m.kind === "event" && a.push(m.event.id));
      bus.subscribe((m) => m.kind === "event" && b.push(m.event.id));
      for (let i = 1; i <= 100; i++) bus.publish(ev(i));
      await until(() => a.length === 100 && b.length === 100);
      expect(a).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      expect(b).toEqual(a);
      await bus.close();
    });

    it("isolates a throwing subscriber and stops delivering after unsubscribe", async () => {
      const bus = await make();
      const got: number[] = [];
      bus.subscribe(() => {
        throw new Error("bad subscriber");
      });
      const off = bus.subscribe((m) => m.kind === "event" && got.push(m.event.id));
      expect(() => bus.publish(ev(1))).not.toThrow();
      await until(() => got.length === 1);
      off();
      bus.publish(ev(2));
      await new Promise((r) => setTimeout(r, 100));
      expect(got).toEqual([1]);
      await bus.close();
    });
  });
}
