import { appendFileSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { LogRecord } from "../../store/repositories/log-records-repo.js";
import { type FileTail, tailFile } from "./tail-file.js";

describe("tailFile", () => {
  let dir: string;
  let tail: FileTail | undefined;
  afterEach(async () => {
    await tail?.stop();
    tail = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const start = (from: "start" | "end", file = "app.log") => {
    dir = mkdtempSync(join(tmpdir(), "pitcrew-tail-"));
    const path = join(dir, file);
    const got: LogRecord[] = [];
    return { path, got, begin: () => (tail = tailFile(path, "web", (r) => got.push(r), { from, pollMs: 10_000 })) };
  };

  it("follows appends from the end, JSON and plain text, across partial writes", async () => {
    const { path, got, begin } = start("end");
    writeFileSync(path, "old line, not read\n");
    begin();
    await tail!.poll();
    appendFileSync(path, '{"level":"error","msg":"db down","trace_id":"' + "a".repeat(32) + '"}\n');
    appendFileSync(path, "2026-11-22 WARN disk 91% full\nhalf a li");
    await tail!.poll();
    appendFileSync(path, "ne\r\n{not json\n");
    await tail!.poll();
    expect(got.map((r) => [r.level, r.message, r.service, r.source])).toEqual([
      ["error", "db down", "web", "file"],
      ["warn", "2026-11-22 WARN disk 91% full", "web", "file"],
      ["info", "half a line", "web", "file"],
      ["info", "{not json", "web", "file"],
    ]);
    expect(got[0]!.traceId).toBe("a".repeat(32));
  });

  it("drains a rotated file, then continues with the new one; re-reads a truncated one", async () => {
    const { path, got, begin } = start("start");
    writeFileSync(path, "one\n");
    begin();
    await tail!.poll();
    appendFileSync(path, "two\nthree-no-newline");
    renameSync(path, `${path}.1`);
    writeFileSync(path, "four\n");
    await tail!.poll();
    await tail!.poll();
    appendFileSync(path, "five\n");
    await tail!.poll();
    truncateSync(path, 0);
    appendFileSync(path, "six\n");
    await tail!.poll();
    expect(got.map((r) => r.message)).toEqual(["one", "two", "three-no-newline", "four", "five", "six"]);
  });

  it("waits for a missing file and cuts giant lines, skipping their rest", async () => {
    const { path, got, begin } = start("end", "later.log");
    begin();
    await tail!.poll();
    writeFileSync(path, `${"x".repeat(200_000)}\nafter\n`);
    await tail!.poll();
    expect(got).toHaveLength(2);
    expect(got[0]!.message).toMatch(/^x{65536}…\[truncated \d+ bytes\]$/);
    expect(got[1]!.message).toBe("after");
  });
});
