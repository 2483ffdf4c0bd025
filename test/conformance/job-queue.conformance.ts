/** One conformance suite for every JobQueue implementation (DESIGN.md §3). */
import { describe, expect, it } from "vitest";
import type { JobQueue } from "../../src/queue/job-queue.js";

const until = async (cond: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
};

/** Runs the queue contract against `make()` (a fresh, empty queue per test). */
export function runJobQueueConformance(
  name: string,
  make: () => Promise<{ queue: JobQueue; dispose(): Promise<void> }>,
) {
  describe(`JobQueue conformance: ${name}`, () => {
    it("delivers items once each, honouring concurrency", async () => {
      const { queue, dispose } = await make();
      const seen: number[] = [];
      let active = 0;
      let maxActive = 0;
      queue.consume<{ n: number }>(
        "q",
        async (item) => {
          active++;
          maxActive = Math.max(maxActive, active);
          await new Promise((r) => setTimeout(r, 30));
          seen.push(item.payload.n);
          active--;
        },
        { concurrency: 2, labels: [], leaseMs: 5000 },
      );
      for (let n = 0; n < 6; n++) await queue.enqueue("q", { n });
      await until(() => seen.length === 6);
      expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5]);
      expect(maxActive).toBeLessThanOrEqual(2);
      expect(await queue.health()).toEqual({ ok: true });
      await queue.close();
      await dispose();
    });

    it("deduplicates by key and only gives work to consumers with the labels", async () => {
      const { queue, dispose } = await make();
      const seen: string[] = [];
      await queue.enqueue("q", { v: "a" }, { dedupeKey: "k1", labels: ["gpu"] });
      await queue.enqueue("q", { v: "b" }, { dedupeKey: "k1", labels: ["gpu"] });
      await queue.enqueue("q", { v: "c" }, { labels: ["linux"] });
      queue.consume<{ v: string }>("q", async (i) => void seen.push(i.payload.v), {
        concurrency: 1,
        labels: ["linux"],
        leaseMs: 5000,
      });
      await until(() => seen.length === 1);
      await new Promise((r) => setTimeout(r, 300));
      expect(seen).toEqual(["c"]);
      expect((await queue.stats("q")).queued).toBe(1);
      await queue.close();
      await dispose();
    });

    it("stops a consumer whose signal aborted, letting its running handler finish", async () => {
      const { queue, dispose } = await make();
      const seen: number[] = [];
      const stop = new AbortController();
      let release = () => {};
      const held = new Promise<void>((r) => {
        release = r;
      });
      queue.consume<{ n: number }>(
        "q",
        async (item) => {
          seen.push(item.payload.n);
          stop.abort();
          await held;
        },
        { concurrency: 1, labels: [], leaseMs: 5000, signal: stop.signal },
      );
      await queue.enqueue("q", { n: 1 });
      await until(() => seen.length === 1);
      await queue.enqueue("q", { n: 2 });
      release();
      await new Promise((r) => setTimeout(r, 600));
      expect(seen).toEqual([1]);
      expect((await queue.stats("q")).queued).toBe(1);
      await queue.close();
      await dispose();
    });

    it("retries a failing handler up to maxAttempts, then marks it failed", async () => {
      const { queue, dispose } = await make();
      const attempts: number[] = [];
      queue.consume(
        "q",
        async (i) => {
          attempts.push(i.attempt);
          throw new Error("boom");
        },
        { concurrency: 1, labels: [], leaseMs: 5000 },
      );
      await queue.enqueue("q", {}, { maxAttempts: 2 });
      await until(() => attempts.length === 2, 8000);
      await until(() => false, 200).catch(() => {});
      expect(attempts).toEqual([1, 2]);
      expect((await queue.stats("q")).failed).toBe(1);
      await queue.close();
      await dispose();
    });

    it("cancels queued items and aborts running ones", async () => {
      const { queue, dispose } = await make();
      let aborted = false;
      let started = false;
      queue.consume(
        "q",
        async (_i, { signal }) => {
          started = true;
          await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
          aborted = true;
        },
        { concurrency: 1, labels: [], leaseMs: 5000 },
      );
      await queue.enqueue("q", {}, { dedupeKey: "run" });
      await until(() => started);
      expect(await queue.cancel("run")).toBe(true);
      await until(() => aborted);
      await queue.enqueue("q", {}, { dedupeKey: "later", runAfter: Date.now() + 60_000 });
      expect(await queue.cancel("later")).toBe(true);
      expect(await queue.cancel("nothing")).toBe(false);
      await queue.close();
      await dispose();
    });
  });
}
