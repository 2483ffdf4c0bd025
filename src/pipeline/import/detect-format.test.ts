import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { detectForeignFormat } from "./detect-format.js";

describe("detectForeignFormat", () => {
  it("recognises GitHub Actions by uses: steps, GitHub-only job keys or triggers", () => {
    expect(detectForeignFormat(parse("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps: []"))).toBe(
      "github-actions",
    );
    expect(
      detectForeignFormat(parse("on: { push: {} }\njobs:\n  a:\n    steps: [{ uses: actions/checkout@v4 }]")),
    ).toBe("github-actions");
    expect(detectForeignFormat(parse("jobs:\n  a:\n    timeout-minutes: 5\n    steps: []"))).toBe("github-actions");
  });

  it("recognises GitLab CI by stages: or top-level jobs with script:", () => {
    expect(detectForeignFormat(parse("stages: [build]\nbuild: { script: [make] }"))).toBe("gitlab-ci");
    expect(detectForeignFormat(parse("test:\n  script: npm test"))).toBe("gitlab-ci");
  });

  it("never mistakes a pitcrew pipeline (every example in the repository) for a foreign file", () => {
    const examples = fileURLToPath(new URL("../../../examples/", import.meta.url));
    const files = readdirSync(examples, { recursive: true, encoding: "utf8" }).filter((f) =>
      f.endsWith(".pitcrew/pipeline.yaml"),
    );
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(detectForeignFormat(parse(readFileSync(examples + f, "utf8"))), f).toBeUndefined();
    expect(
      detectForeignFormat(parse("on: { push: {} }\njobs:\n  a:\n    runs-on: linux\n    steps: [{ run: x }]")),
    ).toBe(undefined);
  });
});
