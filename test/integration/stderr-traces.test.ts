/**
 * Plain-text stack traces on a replica's stderr, stored at level info by their stream, are found:
 * real Node.js, Python and Java processes print them, their lines go through the replica log
 * buffer and the ingestor exactly as a release's output does, and they are stored as errors that
 * the diagnosis reads (issue 19: "the most common crash output is invisible").
 */
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ReplicaLogBuffer } from "../../src/observe/index.js";
import { silentLogger } from "../../src/common/logger.js";
import { diagnoseIncident } from "../../src/diagnose/index.js";
import { parseLogLine } from "../../src/observe/logs/tail-file.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

const NODE_APP = `
function cloneOf(item) { return item.id; }
const handler = (req) => cloneOf(req.items[3]);
console.log("listening on 127.0.0.1:3000");
try { handler({ items: [] }); } catch (err) { console.error(err.stack); }
`;
const PYTHON_APP = `
import sys, traceback
def price(order):
    return order["total"] / order["count"]
print("listening on 127.0.0.1:5000")
try:
    price({"total": 3, "count": 0})
except Exception:
    traceback.print_exc(file=sys.stderr)
`;
const JAVA_APP = `
public class Shop {
  static int stock(int[] s, int i) { return s[i]; }
  public static void main(String[] a) {
    System.out.println("listening on 127.0.0.1:8080");
    try { stock(new int[2], 5); } catch (RuntimeException e) { e.printStackTrace(); }
  }
}
`;

/** Runs `argv`, feeding each output line to `buffer` like a release's replica; resolves at exit. */
function runReplica(argv: string[], service: string, buffer: ReplicaLogBuffer, now: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ["ignore", "pipe", "pipe"] });
    for (const stream of ["stdout", "stderr"] as const) {
      createInterface({ input: child[stream] }).on("line", (text) =>
        buffer.push(`${service}/0/${stream}`, parseLogLine(text, service, now)),
      );
    }
    child.on("error", reject);
    child.on("close", () => resolve());
  });
}

describe("stack traces on stderr at level info", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.dispose());

  it("are stored as errors and lead the diagnosis, for Node.js, Python and Java", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pitcrew-stderr-"));
    writeFileSync(join(dir, "app.js"), NODE_APP);
    writeFileSync(join(dir, "app.py"), PYTHON_APP);
    writeFileSync(join(dir, "Shop.java"), JAVA_APP);
    const now = Date.now() - 10_000;
    const buffer = new ReplicaLogBuffer((r) => t.app.observation.logs.ingest(r, "file"), silentLogger(), 50);
    await Promise.all([
      runReplica([process.execPath, join(dir, "app.js")], "node-api", buffer, now),
      runReplica(["python3", join(dir, "app.py")], "py-api", buffer, now),
      runReplica(["java", join(dir, "Shop.java")], "java-api", buffer, now),
    ]);
    await buffer.flush();

    const expected = {
      "node-api": { type: "TypeError", frame: "app.js:2" },
      "py-api": { type: "ZeroDivisionError", frame: "app.py:4" },
      "java-api": { type: "ArrayIndexOutOfBoundsException", frame: "Shop.java:3" },
    };
    for (const [service, want] of Object.entries(expected)) {
      const { records } = await t.app.store.logRecords.search({ service, levels: ["error"], limit: 10 });
      expect(records, service).toHaveLength(1);
      // the buffer already marks a Python traceback an error by its last line; the others are inferred
      if (service !== "py-api") expect(records[0]!.attributes, service).toMatchObject({ inferred_from_level: "info" });
      const info = await t.app.store.logRecords.search({ service, levels: ["info"], limit: 10 });
      expect(info.records.map((r) => r.message)).toEqual([expect.stringMatching(/^listening on/)]);

      const at = now + 1_000;
      const d = await diagnoseIncident(
        {
          id: 1,
          status: "open",
          title: "HighErrorRate",
          service,
          services: [service],
          severity: "critical",
          version: 1,
          openedAt: at,
          lastSignalAt: at,
          acknowledgedAt: null,
          acknowledgedBy: null,
          resolvedAt: null,
          resolvedBy: null,
          updatedAt: at,
        },
        {
          searchLogs: async (q) => (await t.app.store.logRecords.search(q)).records,
          recentDeploys: async () => [],
        },
        { now: at + 1_000 },
      );
      expect(d.hypotheses[0], service).toMatchObject({ kind: "code_bug" });
      expect(d.hypotheses[0]!.explanation).toContain(want.type);
      expect(d.hypotheses[0]!.explanation).toContain(want.frame);
      expect(d.onset).toMatchObject({ service, at: now });
    }
  });
});
