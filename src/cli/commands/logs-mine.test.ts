import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { Command } from "commander";
import { afterEach, describe, expect, it } from "vitest";
import { registerLogsMineCommand } from "./logs-mine.js";

const dir = mkdtempSync(join(tmpdir(), "pitcrew-logs-mine-"));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

/** Runs `logs mine …args` on a fresh `logs` command and returns stdout, stderr and the exit code. */
async function mine(...args: string[]): Promise<{ out: string; err: string; exitCode: number | undefined }> {
  let out = "";
  let err = "";
  const logs = new Command("logs")
    .exitOverride()
    .configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (err += s) });
  registerLogsMineCommand(logs);
  process.exitCode = undefined;
  await logs.parseAsync(["mine", ...args], { from: "user" });
  const exitCode = process.exitCode;
  process.exitCode = undefined;
  return { out, err, exitCode };
}

const HDFS = "<Date> <Time> <Pid> <Level> <Component>: <Content>";
const LOG = [
  "081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 terminating",
  "081109 203807 222 INFO dfs.DataNode$PacketResponder: PacketResponder 0 for block blk_-6952295868487656571 terminating",
  "garbage without a header",
  "081109 204005 35 INFO dfs.FSNamesystem: BLOCK* NameSystem.addStoredBlock: blockMap updated: 10.251.73.220:50010 is added to blk_7128370237687728475 size 67108864",
  "081109 204015 308 INFO dfs.DataNode$PacketResponder: PacketResponder 2 for block blk_8229193803249955061 terminating",
].join("\n");

describe("pitcrew logs mine", () => {
  const stdin = Object.getOwnPropertyDescriptor(process, "stdin")!;
  afterEach(() => {
    Object.defineProperty(process, "stdin", stdin);
  });

  it("--json prints one object per line, in order, with final templates and stable ids", async () => {
    const { out, exitCode } = await mine(file("hdfs.log", `${LOG}\n`), "--format", HDFS, "--json");
    expect(exitCode).toBeUndefined();
    const rows = out
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(rows.map((r) => r.line)).toEqual([1, 2, 3, 4, 5]);
    expect(rows[0]).toEqual({
      line: 1,
      templateId: rows[1].templateId,
      template: "PacketResponder <*> for block blk_<*> terminating",
      params: ["1", "38865049064139660"],
      isNew: true,
      formatMatched: true,
      fields: { Date: "081109", Time: "203615", Pid: "148", Level: "INFO", Component: "dfs.DataNode$PacketResponder" },
    });
    expect(rows[4]).toMatchObject({
      templateId: rows[0].templateId,
      isNew: false,
      params: ["2", "8229193803249955061"],
    });
    expect(rows[2]).toMatchObject({ formatMatched: false, template: "garbage without a header", fields: {} });
    expect(rows[3].template).toBe(
      "BLOCK* NameSystem.addStoredBlock: blockMap updated: <*> is added to blk_<*> size <*>",
    );
    const again = await mine(file("hdfs.log", `${LOG}\n`), "--format", HDFS, "--json");
    expect(again.out).toBe(out);
  });

  it("without --json prints the templates by count and the number of lines", async () => {
    const { out } = await mine(file("hdfs.log", LOG), "--format", HDFS);
    const lines = out.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^id\s+count\s+template$/);
    expect(lines[1]).toMatch(/^[0-9a-f]{8}\s+3\s+PacketResponder <\*> for block blk_<\*> terminating$/);
    expect(lines).toHaveLength(5);
    expect(lines.at(-1)).toBe("5 lines, 3 templates");
  });

  it("'-' reads standard input and streams, mining whole lines without --format", async () => {
    Object.defineProperty(process, "stdin", {
      value: Readable.from([Buffer.from("user 1 logged in\r\nuser 2 logged in\n")]),
      configurable: true,
    });
    const { out } = await mine("-", "--json");
    const rows = out
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(rows).toEqual([
      { line: 1, templateId: rows[0].templateId, template: "user <*> logged in", params: ["1"], isNew: true },
      { line: 2, templateId: rows[0].templateId, template: "user <*> logged in", params: ["2"], isNew: false },
    ]);
  });

  it("exits 2 with a clear message for a missing file or a bad format", async () => {
    const missing = await mine(join(dir, "nope.log"));
    expect(missing.exitCode).toBe(2);
    expect(missing.err).toBe(`pitcrew logs mine: no such file: ${join(dir, "nope.log")}\n`);
    expect(missing.out).toBe("");
    const bad = await mine(file("a.log", "x\n"), "--format", "(<Date> <Content>");
    expect(bad.exitCode).toBe(2);
    expect(bad.err).toMatch(/^pitcrew logs mine: log format: not a valid regular expression/);
    const noContent = await mine(file("a.log", "x\n"), "--format", "<Date> <Time>");
    expect(noContent.err).toMatch(/needs a <Content> placeholder/);
  });
});
