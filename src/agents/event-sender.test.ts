import { describe, expect, it } from "vitest";
import { EventSender } from "./event-sender.js";
import type { JobEvent } from "./protocol.js";

describe("EventSender", () => {
  it("sends batches in order, numbered 1, 2, …, and cuts long lines", async () => {
    const got: Array<{ seq: number; events: JobEvent[] }> = [];
    const sender = new EventSender(async (seq, events) => void got.push({ seq, events }));
    for (let i = 0; i < 1200; i++) sender.push({ t: "line", step: 0, stream: "stdout", line: `l${i}` });
    sender.push({ t: "line", step: 0, stream: "stdout", line: "x".repeat(20_000) });
    expect(await sender.flush()).toBe(got.length);
    expect(got.map((b) => b.seq)).toEqual(got.map((_, i) => i + 1));
    const lines = got.flatMap((b) => b.events).map((e) => (e.t === "line" ? e.line : ""));
    expect(lines.slice(0, 1200)).toEqual(Array.from({ length: 1200 }, (_, i) => `l${i}`));
    expect(lines[1200]?.length).toBe(16 * 1024);
  });

  it("stops at a failed batch and keeps failing (the caller retried it already)", async () => {
    const sender = new EventSender(async (seq) => {
      if (seq === 1) throw new Error("fenced off");
    });
    sender.push({ t: "started", step: 0, name: "a" });
    await expect(sender.flush()).rejects.toThrow("fenced off");
    await expect(sender.flush()).rejects.toThrow("fenced off");
  });
});
