import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { gitRepoWith } from "../../../../test/fixtures/repair/pattern-case.js";
import type { Diagnosis } from "../../../diagnose/index.js";
import { ConfigFixer } from "./config-fixer.js";

const gateway = join(import.meta.dirname, "../../../../examples/shop/gateway");

function timeoutDiagnosis(metric?: { peer: string; p99Ms: number }): Diagnosis {
  return {
    service: "gateway",
    summary: "timeouts",
    createdAt: 0,
    hypotheses: [
      {
        kind: "config",
        confidence: 0.68,
        explanation:
          "40 % of 10 error logs are timeouts at a 50 ms limit; the limit is likely lower than what the call needs.",
        evidence: [
          {
            kind: "log_line",
            summary: "catalog GET /products/p-3/recommendations timed out after 50 ms (catalog_timeout_ms=50)",
            data: { config_key: "catalog_timeout_ms" },
          },
          ...(metric
            ? [{ kind: "metric" as const, summary: `catalog recommendations p99 ${metric.p99Ms} ms`, data: metric }]
            : []),
        ],
      },
    ],
  };
}

describe("ConfigFixer", () => {
  it("raises the gateway's catalog timeout to the measured need plus headroom, within bounds", async () => {
    const repoDir = gitRepoWith({}, gateway);
    const before = readFileSync(join(repoDir, "config/gateway.json"), "utf8");
    const [patch, ...rest] = await new ConfigFixer().propose({
      repoDir,
      suspects: [],
      diagnosis: timeoutDiagnosis({ peer: "catalog", p99Ms: 180 }),
    });
    expect(rest).toEqual([]);
    expect(patch!.edits).toEqual([
      {
        path: "config/gateway.json",
        before,
        after: before.replace('"catalog_timeout_ms": 50', '"catalog_timeout_ms": 270'),
      },
    ]);
    expect(patch!.title).toBe("Raise catalog_timeout_ms from 50 to 270 ms in config/gateway.json");
    expect(patch!.explanation).toContain("timed out after 50 ms (catalog_timeout_ms=50)");
    expect(patch!.explanation).toContain("the calls need 180 ms (p99)");
    expect(patch!.explanation).toContain("inside the range 20–2000 ms that config/pitcrew.repair.yaml allows");
    expect(patch!.diff).toContain('-  "catalog_timeout_ms": 50,\n+  "catalog_timeout_ms": 270,\n');
  });

  it("doubles the value without a measurement and edits YAML in place", async () => {
    const repoDir = gitRepoWith({
      "svc/config.yaml": "# client settings\nhttp:\n  catalog_timeout_ms: 50 # too low?\n  retries: 1\n",
      "svc/pitcrew.repair.yaml":
        "file: config.yaml\nbounds:\n  - { key: http.catalog_timeout_ms, min: 20, max: 80, unit: ms }\n",
    });
    const diagnosis = timeoutDiagnosis();
    diagnosis.hypotheses[0]!.evidence[0]!.summary = "timed out after 50 ms (http.catalog_timeout_ms=50)";
    const [patch] = await new ConfigFixer().propose({ repoDir, suspects: [], diagnosis });
    expect(patch!.edits[0]!.after).toBe(
      "# client settings\nhttp:\n  catalog_timeout_ms: 80 # too low?\n  retries: 1\n",
    );
    expect(patch!.explanation).toContain("no latency was measured");
  });

  it("leaves a need beyond the bounds to a human, and ignores diagnoses without config evidence", async () => {
    const repoDir = gitRepoWith({}, gateway);
    const fixer = new ConfigFixer();
    expect(
      await fixer.propose({ repoDir, suspects: [], diagnosis: timeoutDiagnosis({ peer: "catalog", p99Ms: 2500 }) }),
    ).toEqual([]);
    expect(await fixer.propose({ repoDir, suspects: [] })).toEqual([]);
  });

  it("reports a malformed bounds file clearly", async () => {
    const repoDir = gitRepoWith({}, gateway);
    writeFileSync(
      join(repoDir, "config/pitcrew.repair.yaml"),
      "file: gateway.json\nbounds:\n  - { key: retries, min: 5, max: 1, unit: count }\n",
    );
    await expect(new ConfigFixer().propose({ repoDir, suspects: [], diagnosis: timeoutDiagnosis() })).rejects.toThrow(
      /config\/pitcrew\.repair\.yaml: bounds\.0: min must not be above max/,
    );
  });
});
