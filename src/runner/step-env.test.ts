import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ValidationError } from "../common/errors.js";
import { createLocalExecutor } from "./executors/local/local-executor.js";
import { buildStepEnv } from "./step-env.js";
import { createWorkspace } from "./workspace.js";

const root = mkdtempSync(join(tmpdir(), "pitcrew-env-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("buildStepEnv", () => {
  const builtins = {
    PITCREW_RUN_ID: "12",
    PITCREW_JOB: "build",
    PITCREW_WORKSPACE: "/w/job/src",
    PITCREW_INPUT_LEVEL: "3",
  };

  it("starts from a minimal base and never copies pitcrew's own environment", () => {
    process.env.PITCREW_TEST_LEAK = "database-password";
    try {
      const env = buildStepEnv({ builtins });
      expect(env).toEqual({
        PATH: expect.stringMatching(/(^|:)\/usr\/local\/bin:\/usr\/bin:\/bin$/),
        LANG: "C.UTF-8",
        CI: "true",
        PITCREW: "true",
        HOME: "/w/job/home",
        TMPDIR: "/w/job/tmp",
        ...builtins,
      });
      expect(env.PATH!.split(":")).toContain(join(process.execPath, ".."));
    } finally {
      delete process.env.PITCREW_TEST_LEAK;
    }
  });

  it("layers builtins < pipeline < job < step < secrets", () => {
    const env = buildStepEnv({
      builtins: { ...builtins, HOME: "/custom/home" },
      pipelineEnv: { A: "pipeline", B: "pipeline", C: "pipeline", D: "pipeline" },
      jobEnv: { B: "job", C: "job", D: "job" },
      stepEnv: { C: "step", D: "step", CI: "false" },
      secrets: { D: "secret", TOKEN: "t0k" },
    });
    expect([env.A, env.B, env.C, env.D, env.TOKEN, env.CI, env.HOME]).toEqual([
      "pipeline",
      "job",
      "step",
      "secret",
      "t0k",
      "false",
      "/custom/home",
    ]);
  });

  it("rejects names and values a process environment cannot hold", () => {
    expect(() => buildStepEnv({ builtins, stepEnv: { "A=B": "x" } })).toThrow(ValidationError);
    expect(() => buildStepEnv({ builtins, jobEnv: { "1X": "x" } })).toThrow(ValidationError);
    expect(() => buildStepEnv({ builtins, secrets: { S: "a\0b" } })).toThrow(ValidationError);
  });

  it("is the whole environment a real step sees", async () => {
    process.env.PITCREW_TEST_LEAK = "database-password";
    const ws = createWorkspace(root, { runId: 1, jobKey: "env", attempt: 1 });
    try {
      const env = buildStepEnv({ builtins: { PITCREW_WORKSPACE: ws.dir }, secrets: { TOKEN: "abc" } });
      const lines: string[] = [];
      const res = await createLocalExecutor().runStep({
        script: "env; echo home-ok > ~/f; cat ~/f",
        cwd: ws.dir,
        workspace: ws.dir,
        env,
        onLine: (_s, l) => lines.push(l),
      });
      expect(res.exitCode).toBe(0);
      expect(lines).toContain("TOKEN=abc");
      expect(lines).toContain(`HOME=${ws.home}`);
      expect(lines).toContain("home-ok");
      expect(lines.some((l) => l.includes("database-password") || l.startsWith("USER="))).toBe(false);
    } finally {
      delete process.env.PITCREW_TEST_LEAK;
      await ws.cleanup();
    }
  });
});
