import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "../../common/config/limits-schema.js";
import { lintPipeline } from "../lint/lint-pipeline.js";

const limits = { ...DEFAULT_LIMITS.pipeline, max_jobs: 2, max_steps: 3, max_bytes: 2048, max_aliases: 2 };

describe("pipeline limits", () => {
  it("reports the first job over max_jobs at its key", () => {
    const text = "jobs:\n  a: { steps: [run: x] }\n  b: { steps: [run: x] }\n  c: { steps: [run: x] }\n";
    expect(lintPipeline(text, { limits })).toEqual([
      expect.objectContaining({ code: "too-many-jobs", path: "jobs.c", line: 4, column: 3 }),
    ]);
  });

  it("reports the first step over max_steps, counting all jobs", () => {
    const text =
      "jobs:\n  a:\n    steps:\n      - run: x\n      - run: x\n  b:\n    steps:\n      - run: x\n      - run: x\n";
    const [d] = lintPipeline(text, { limits });
    expect(d).toMatchObject({ code: "too-many-steps", path: "jobs.b.steps[1]", line: 9 });
    expect(d?.message).toMatch(/declares 4 steps; the limit is 3/);
  });

  it("reports a file over max_bytes where it crosses the limit, without parsing it", () => {
    const text = `jobs:\n  a:\n    steps:\n${"      - run: echo hello\n".repeat(200)}: not yaml [`;
    const [d] = lintPipeline(text, { limits });
    expect(d).toMatchObject({ code: "pipeline-too-large", line: text.slice(0, 2048).split("\n").length });
  });

  it("reports aliases past max_aliases at the first alias", () => {
    const text = "x: &x [a, b]\ny: [*x, *x, *x]\njobs:\n  a:\n    steps: [run: x]\n";
    expect(lintPipeline(text, { limits })).toEqual([
      expect.objectContaining({ code: "yaml-alias-limit", line: 2, column: 5 }),
    ]);
  });

  it("leaves a pipeline within every limit alone", () => {
    const text = "env:\n  X: &x hi\njobs:\n  a:\n    steps:\n      - run: *x\n";
    expect(lintPipeline(text, { limits }).filter((d) => d.severity === "error")).toEqual([]);
  });
});
