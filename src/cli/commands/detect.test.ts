import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { Command } from "commander";
import { afterEach, describe, expect, it } from "vitest";
import { createSeriesDetector, DetectorRegistry, EARLY_WARMUP } from "../../detect/anomaly/index.js";
import { registerDetectCommand } from "./detect.js";

const dir = mkdtempSync(join(tmpdir(), "pitcrew-detect-"));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

/** Runs `pitcrew detect …args` on a fresh program; returns stdout, stderr and the exit code. */
async function detect(...args: string[]): Promise<{ out: string; err: string; exitCode: number | undefined }> {
  let out = "";
  let err = "";
  const program = new Command("pitcrew")
    .exitOverride()
    .configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (err += s) });
  registerDetectCommand(program);
  process.exitCode = undefined;
  await program.parseAsync(["detect", ...args], { from: "user" });
  const exitCode = process.exitCode;
  process.exitCode = undefined;
  return { out, err, exitCode };
}

/** 300 five-minute samples of a noisy level around 100 with one spike to 400 at row 250. */
function series(): { t: number; v: number }[] {
  const start = Date.UTC(2024, 0, 1);
  return Array.from({ length: 300 }, (_, i) => ({
    t: start + i * 300_000,
    v: i === 250 ? 400 : 100 + ((i * 37) % 11) - 5,
  }));
}
const nabStyle = (rows: { t: number; v: number }[]) =>
  `timestamp,value\n${rows.map((r) => `${new Date(r.t).toISOString().slice(0, 19).replace("T", " ")},${r.v}`).join("\n")}\n`;

describe("pitcrew detect", () => {
  const stdin = Object.getOwnPropertyDescriptor(process, "stdin")!;
  afterEach(() => {
    Object.defineProperty(process, "stdin", stdin);
  });

  it("--json prints one object per data row with exactly the streaming detector's scores", async () => {
    const rows = series();
    const { out, exitCode } = await detect(file("s.csv", nabStyle(rows)), "--json", "--window", "64");
    expect(exitCode).toBeUndefined();
    const lines = out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(300);
    expect(lines[0]).toEqual({
      timestamp: "2024-01-01T00:00:00.000Z",
      value: 95,
      score: 0,
      explanation: expect.any(String),
    });
    const reference = createSeriesDetector({ window: 64 });
    rows.forEach((r, i) => {
      expect(lines[i].score).toBeCloseTo(reference.update(r.t, r.v).score, 6);
    });
    expect(lines[250].score).toBeGreaterThan(0.5);
    expect(lines[250].explanation).toMatch(/value 400 is .* above/);
    expect(Math.max(...lines.filter((_, i) => i !== 250).map((l) => l.score))).toBeLessThan(lines[250].score);
  });

  it("without flags runs the detector with the defaults the server's anomaly watch uses", async () => {
    const rows = series();
    const { out } = await detect(file("d.csv", nabStyle(rows)), "--json");
    const lines = out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const server = new DetectorRegistry();
    rows.forEach((r, i) => {
      expect(lines[i].score).toBeCloseTo(server.update("svc/latency_p99", r.t, r.v).score, 6);
    });
    // scores after EARLY_WARMUP samples (minutes of data), not after the whole memory
    expect(lines.slice(0, EARLY_WARMUP).every((l) => l.score === 0)).toBe(true);
    expect(lines[250].score).toBeGreaterThan(0.5);
  });

  it("human output lists rows at or above the threshold and a summary", async () => {
    const { out } = await detect(file("h.csv", nabStyle(series())), "--window", "64");
    const lines = out.trim().split("\n");
    expect(lines.some((l) => l.startsWith("2024-01-01T20:50:00.000Z") && l.includes("400"))).toBe(true);
    expect(lines.at(-1)).toMatch(
      /^300 rows, \d+ at or above 0.5, \d+ alerts; highest score 0\.\d{3} at 2024-01-01T20:50:00.000Z$/,
    );
  });

  it("reads epoch seconds without a header from stdin", async () => {
    const text = series()
      .map((r) => `${r.t / 1000},${r.v}`)
      .join("\n");
    Object.defineProperty(process, "stdin", { value: Readable.from([Buffer.from(text)]), configurable: true });
    const { out } = await detect("-", "--json", "--window", "64");
    const lines = out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(300);
    expect(lines[1].timestamp).toBe("2024-01-01T00:05:00.000Z");
  });

  it("stops at a bad row with its line number and exit code 2", async () => {
    const bad = file("bad.csv", "timestamp,value\n2024-01-01 00:00:00,1\n2024-01-01 00:05:00,NaN\n");
    const { err, exitCode } = await detect(bad, "--json");
    expect(err).toBe(`pitcrew detect: ${bad}: line 3: value 'NaN' is not a finite number\n`);
    expect(exitCode).toBe(2);
    const badTime = await detect(file("bad2.csv", "2024-13-45 00:00:00,1\n"));
    expect(badTime.err).toMatch(/line 1: bad timestamp '2024-13-45 00:00:00'/);
    expect(badTime.exitCode).toBe(2);
  });

  it("says when the file does not exist", async () => {
    await expect(detect(join(dir, "missing.csv"))).rejects.toThrow(/CSV file ".*missing.csv" not found/);
  });
});
