import { describe, expect, it } from "vitest";
import { TailBuffer } from "./tail-buffer.js";

const line = (n: number, width = 1) => ({ line: String(n).padStart(width, "0") });

describe("TailBuffer", () => {
  it("keeps the last maxLines lines in order and counts the dropped ones", () => {
    const t = new TailBuffer(3, 1_000);
    for (let i = 1; i <= 10; i++) t.push(line(i));
    expect(t.drain().map((l) => l.line)).toEqual(["8", "9", "10"]);
    expect(t.dropped).toBe(7);
    expect(t.droppedChars).toBe(7 * 2);
  });

  it("drops the oldest lines while over the character bound", () => {
    const t = new TailBuffer(100, 25);
    for (let i = 1; i <= 10; i++) t.push(line(i, 4));
    expect(t.drain().map((l) => l.line)).toEqual(["0006", "0007", "0008", "0009", "0010"]);
    expect(t.dropped).toBe(5);
  });

  it("keeps nothing with zero lines, counting everything as dropped", () => {
    const t = new TailBuffer(0, 100);
    t.push(line(1));
    expect(t.drain()).toEqual([]);
    expect(t.dropped).toBe(1);
  });

  it("is empty after drain and can be refilled", () => {
    const t = new TailBuffer(2, 100);
    t.push(line(1));
    t.drain();
    t.push(line(2));
    expect(t.drain().map((l) => l.line)).toEqual(["2"]);
  });
});
