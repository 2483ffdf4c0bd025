/**
 * Attack: a step prints 200 MB (2 million lines). With the default caps the run stores the
 * step's first lines, a marker saying output was cut, a count of what was dropped and the step's
 * last lines — not 2 million rows — and the next step's output is stored as usual.
 */
import { statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRepo } from "../support/git-repo.js";
import { HAS_DIST, type ServeProcess, startServe } from "../support/serve-process.js";

const LINE = "x".repeat(99);

describe.skipIf(!HAS_DIST)("log flood: a 200 MB step", () => {
  let s: ServeProcess;
  beforeAll(async () => {
    s = await startServe();
  });
  afterAll(async () => s?.stop());

  it("stores the head, a truncation marker, the drop count and the tail (default caps)", {
    timeout: 120_000,
  }, async () => {
    const repo = createRepo({
      ".pitcrew/pipeline.yaml": [
        "jobs:",
        "  flood:",
        "    steps:",
        `      - name: flood`,
        `        run: "head -c 200000000 < <(yes ${LINE}); echo; echo LAST-LINE-OF-FLOOD"`,
        "      - name: after",
        "        run: echo next step still logged",
        "",
      ].join("\n"),
    });
    expect((await s.api("POST", "/api/projects", { body: { name: "flood", repoUrl: repo } })).status).toBe(201);
    const run = (await s.api("POST", "/api/projects/flood/runs", { body: {} })).body;
    const done = await s.waitForRun(run.id, 120_000);
    expect(done.status, done.reason).toBe("success");

    const lines: { step: number; stream: string; line: string }[] = [];
    for (let after = 0; ; ) {
      const page = (await s.api("GET", `/api/runs/${run.id}/logs?after=${after}&limit=10000`)).body.jobs[0].lines;
      lines.push(...page);
      if (page.length < 10_000) break;
      after = page.at(-1).seq;
    }
    const flood = lines.filter((l) => l.step === 0);
    // 18,000 head lines + 2,000 tail lines (defaults) + the two markers.
    expect(flood.length).toBeLessThanOrEqual(20_002);
    expect(flood.length).toBeGreaterThan(19_000);
    const markers = flood.filter((l) => l.stream === "system");
    expect(markers).toHaveLength(2);
    expect(markers[0]!.line).toMatch(/output truncated: this step printed 18000 lines/);
    const dropped = Number(/(\d+) line\(s\)/.exec(markers[1]!.line)?.[1]);
    expect(dropped).toBeGreaterThan(1_900_000);
    expect(flood.at(-1)!.line).toBe("LAST-LINE-OF-FLOOD");
    expect(flood.filter((l) => l.line === LINE).length).toBe(flood.length - 3 - 1);
    expect(lines.some((l) => l.step === 1 && l.line === "next step still logged")).toBe(true);

    const db = join(s.dataDir, "data", "pitcrew.db");
    const size = statSync(db).size + (statSync(`${db}-wal`, { throwIfNoEntry: false })?.size ?? 0);
    expect(size).toBeLessThan(40 * 1024 * 1024);
  });
});
