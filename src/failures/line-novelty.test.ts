import { describe, expect, it } from "vitest";
import { explainJob } from "./explain-job.js";
import { LineNoveltyIndex, lineFeatures, MAX_INDEXED_LINES, MAX_LINES_PER_TEMPLATE } from "./line-novelty.js";

describe("line novelty", () => {
  const index = new LineNoveltyIndex();
  index.add("compile", "Compiling module core utils");
  index.add("read", "read 12 files from /a/b");
  index.add("read", "read 14 files from /c/d");

  it("is 0 for a line printed before, counts and paths masked", () => {
    expect(index.novelty("read", "read 130 files from /srv/x/y")).toEqual({
      distance: 0,
      nearest: "read 12 files from /a/b",
    });
    expect(index.size).toBe(3);
  });

  it("measures a changed word that the log miner's template absorbs", () => {
    const n = index.novelty("compile", "Compiling module core broken");
    expect(n.nearest).toBe("Compiling module core utils");
    expect(n.distance).toBeGreaterThan(0.2);
    expect(n.distance).toBeLessThan(0.8);
  });

  it("is 1 for a template with no green line", () => {
    expect(index.novelty("other", "unexpected token xyzzy")).toEqual({ distance: 1 });
  });

  it("is bounded: per template, in all, and per line", () => {
    const big = new LineNoveltyIndex();
    for (let i = 0; i < 100; i++) big.add("t", `line ${i.toString(36)}x`);
    expect(big.size).toBe(MAX_LINES_PER_TEMPLATE);
    for (let i = 0; i < MAX_INDEXED_LINES + 10; i++) big.add(`t${i % 2000}`, `line w${i.toString(36)}x`);
    expect(big.size).toBe(MAX_INDEXED_LINES);
    expect(lineFeatures("a ".repeat(10_000)).size).toBe(2);
    const long = new LineNoveltyIndex();
    for (let i = 0; i < 1000; i++) long.add("t", `${"x".repeat(600)}${i}`); // same first 500 characters
    expect(long.size).toBe(1);
    expect(lineFeatures(Array.from({ length: 500 }, (_, i) => `w${i.toString(36)}q`).join(" ")).size).toBe(63);
  });
});

describe("explainJob with green history", () => {
  const green = [
    ...Array.from({ length: 300 }, (_, i) => `processing batch ${i} of 300`),
    "Compiling module core utils",
    "Compiling module http client",
    "all checks passed",
  ];

  it("ranks a line whose template the green runs share, but whose words differ, above the routine", async () => {
    const red = [...green.slice(0, 300), "Compiling module core utils", "Compiling module core corrupted", "exit 1"];
    const job = await explainJob(red, {
      reason: "exit code 1",
      failedTests: [],
      successes: [
        { runId: 1, lines: green },
        { runId: 2, lines: green },
      ],
    });
    const line = job.lines.find((l) => l.text === "Compiling module core corrupted");
    expect(line?.evidence.novelty).toMatchObject({ template: false, nearest: "Compiling module core utils" });
    expect(line!.evidence.novelty!.score).toBeGreaterThan(0.2);
    expect(job.lines.find((l) => l.text === "Compiling module core utils")?.evidence.novelty).toBeUndefined();
    expect(job.lines.findIndex((l) => l === line)).toBeLessThan(
      job.lines.findIndex((l) => l.text === "Compiling module core utils"),
    );
  });

  it("brings back a novel line the log-only ranking left out of its 50", async () => {
    const words = ["alpha", "beta", "gamma", "delta", "eps", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu"];
    const colours = ["red", "green", "blue", "cyan", "pink", "gold", "gray", "navy", "teal", "lime"];
    const warnings = Array.from(
      { length: 120 },
      (_, i) => `WARNING: ${words[i % 12]} ${colours[Math.floor(i / 12)]} is slow`,
    );
    const greenLog = [...green.slice(0, 300), ...warnings];
    // Nine lines of one template: rare enough to matter, too common to beat 120 distinct warnings alone.
    const red = [...Array.from({ length: 9 }, (_, i) => `replica ${i} lost quorum`), ...greenLog, "exit 1"];
    const alone = await explainJob(red, { reason: null, failedTests: [], successes: [] });
    expect(alone.lines.some((l) => l.text.startsWith("replica"))).toBe(false);
    const job = await explainJob(red, { reason: null, failedTests: [], successes: [{ runId: 1, lines: greenLog }] });
    const back = job.lines.findIndex((l) => l.text.startsWith("replica"));
    expect(back).toBeGreaterThanOrEqual(0);
    expect(back).toBeLessThan(5);
    expect(job.lines[back]!.evidence.novelty).toEqual({ score: 1, template: true });
    expect(job.lines.length).toBe(50);
  });
});
